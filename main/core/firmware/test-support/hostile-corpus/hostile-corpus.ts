import type { TestKeyring } from '../test-keyring';
import { archiveCases } from './archive-cases';
import { contentCases } from './content-cases';
import { createCorpusContext } from './corpus-context';
import { deviceCases } from './device-cases';
import type { HostileCase } from './hostile-case';
import { manifestCases } from './manifest-cases';
import { mcubootCases } from './mcuboot-cases';
import { signatureCases } from './signature-cases';
import { uf2DfuCases } from './uf2-dfu-cases';

export type { HostileCase } from './hostile-case';

/**
 * The hostile-bundle corpus (quality.md; issue item 5): every refusal the verifier makes, with the code
 * it must make it with. Inputs are built lazily by each case's `prepare`, so the corpus itself is
 * cheap to hold; the test checks the codes, bench/firmware-refusal.bench.ts times the checks.
 */
export function buildHostileCorpus(keys: TestKeyring): HostileCase[] {
  const context = createCorpusContext(keys);
  return [
    ...archiveCases(context),
    ...signatureCases(context),
    ...manifestCases(context),
    ...contentCases(context),
    ...deviceCases(context),
    ...mcubootCases(context),
    ...uf2DfuCases(context),
  ];
}
