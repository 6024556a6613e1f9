import { manifestFor, type CorpusContext } from './corpus-context';
import { bareFileCase, bundleCase, type HostileCase } from './hostile-case';
import { mcubootMutations } from './mcuboot-mutations';

/**
 * Each broken MCUboot image twice: inside a bundle whose signed manifest matches the broken bytes
 * (so only the MCUboot checks can catch it, protocols.md §2), and as a bare file for `image verify`.
 */
export function mcubootCases(context: CorpusContext): HostileCase[] {
  return mcubootMutations(context.keys).flatMap((mutation) => [
    bundleCase(context.keys, 'mcuboot', `MCUboot in bundle: ${mutation.name}`, mutation.bundleCode, () => {
      const image = mutation.build();
      return context.handmade(manifestFor(context, image), [{ name: 'images/app.bin', data: image }]);
    }),
    bareFileCase(`bare MCUboot: ${mutation.name}`, mutation.bareCode, mutation.build, mutation.bareKey),
  ]);
}
