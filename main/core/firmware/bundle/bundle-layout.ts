/**
 * A bundle is a POSIX ustar archive holding exactly: this entry (the DSSE envelope around the JSON
 * manifest) and the image files the manifest lists, nothing else (README.md, "Bundle format").
 */
export const BUNDLE_ENVELOPE_ENTRY = 'manifest.dsse.json';

/** The file extension Fieldline gives bundles (`.fwb`, "firmware bundle"); any name is accepted. */
export const BUNDLE_FILE_EXTENSION = '.fwb';
