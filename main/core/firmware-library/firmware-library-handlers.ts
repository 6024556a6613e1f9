import { AppError } from '../../../shared/errors';
import type { CommandHandlers } from '../command-handlers';
import type { TrustStore } from '../firmware';
import { FirmwareLibrary, type FirmwareLibraryOptions } from './firmware-library';
import { decodeUpload, readBundleFile } from './import-source';

type FirmwareCommand = 'firmware:import' | 'firmware:list' | 'firmware:get';

export type FirmwareLibraryWiring = Omit<FirmwareLibraryOptions, 'trustStore'> & {
  /** Absent in tools that have no trust store: the commands then fail with NOT_IMPLEMENTED. */
  trustStore: (() => TrustStore) | undefined;
};

/** The contract's firmware commands over one library in the station's data folder. */
export function createFirmwareLibraryHandlers(
  wiring: FirmwareLibraryWiring,
): Pick<CommandHandlers, FirmwareCommand> {
  const { trustStore } = wiring;
  const library = trustStore === undefined ? null : new FirmwareLibrary({ ...wiring, trustStore });
  const required = (): FirmwareLibrary => {
    if (library === null)
      throw new AppError('NOT_IMPLEMENTED', 'this tool has no trust store to verify firmware bundles with');
    return library;
  };
  return {
    'firmware:import': (input) =>
      required().import(
        'path' in input ? readBundleFile(input.path) : decodeUpload(input.fileName, input.contentBase64),
      ),
    'firmware:list': (input) => ({ bundles: required().list(input?.deviceId) }),
    'firmware:get': ({ bundleId }) => required().get(bundleId),
  };
}
