import { AsnConvert } from '@peculiar/asn1-schema';
import {
  GeneralName,
  GeneralSubtree,
  GeneralSubtrees,
  Name as AsnName,
  NameConstraints,
  id_ce_nameConstraints,
} from '@peculiar/asn1-x509';
import { x509 } from './x509';

/** The directory-name part of a CA's name constraints (RFC 5280 §4.2.1.10), as x509 names. */
export interface DirectoryNameConstraints {
  permitted: string[];
  excluded: string[];
  /** Other name forms (DNS, e-mail, IP…): they constrain subjectAltName entries, which offline leaves do not carry. */
  otherForms: string[];
}

/** A critical name-constraints extension permitting the given directory-name subtrees. */
export function directoryNameConstraintsExtension(permitted: readonly string[]): x509.Extension {
  const subtrees = new GeneralSubtrees(
    permitted.map(
      (name) =>
        new GeneralSubtree({
          base: new GeneralName({
            directoryName: AsnConvert.parse(new x509.Name(name).toArrayBuffer(), AsnName),
          }),
        }),
    ),
  );
  const value = AsnConvert.serialize(new NameConstraints({ permittedSubtrees: subtrees }));
  return new x509.Extension(id_ce_nameConstraints, true, value);
}

/** Reads a certificate's name constraints; undefined when it has none. */
export function readNameConstraints(
  certificate: x509.X509Certificate,
): (DirectoryNameConstraints & { isCritical: boolean }) | undefined {
  const extension = certificate.getExtension(id_ce_nameConstraints);
  if (extension === null) return undefined;
  const parsed = AsnConvert.parse(extension.value, NameConstraints);
  const result: DirectoryNameConstraints & { isCritical: boolean } = {
    permitted: [],
    excluded: [],
    otherForms: [],
    isCritical: extension.critical,
  };
  const collect = (subtrees: GeneralSubtrees | undefined, into: string[]): void => {
    for (const subtree of subtrees ?? []) {
      const name = subtree.base.directoryName;
      if (name === undefined) result.otherForms.push(Object.keys(subtree.base).join(','));
      else into.push(new x509.Name(AsnConvert.serialize(name)).toString());
    }
  };
  collect(parsed.permittedSubtrees, result.permitted);
  collect(parsed.excludedSubtrees, result.excluded);
  return result;
}

/**
 * Whether `subject` lies inside the directory-name constraints: within some permitted subtree (when
 * any is given) and within no excluded one. A subtree contains a name when its RDNs are the name's
 * first RDNs, in DER order (RFC 5280 §7.1 compares RDN by RDN).
 */
export function isSubjectPermitted(subject: string, constraints: DirectoryNameConstraints): boolean {
  const rdns = rdnList(subject);
  const within = (subtree: string): boolean => {
    const prefix = rdnList(subtree);
    return prefix.length <= rdns.length && prefix.every((rdn, index) => rdn === rdns[index]);
  };
  if (constraints.excluded.some(within)) return false;
  return constraints.permitted.length === 0 || constraints.permitted.some(within);
}

function rdnList(name: string): string[] {
  return new x509.Name(name).toJSON().map((rdn) => JSON.stringify(rdn));
}
