import { useCommand, useEvent } from '../../bridge';

/**
 * The library's bundles, fetched again whenever one is added. With a device, each says whether it fits
 * it, fetched again when a job on that device ends.
 */
export function useFirmwareLibrary(deviceId?: string) {
  const library = useCommand('firmware:list', deviceId === undefined ? undefined : { deviceId });
  useEvent('firmware:changed', library.reload);
  // A finished job changes what the ledger knows about a device (its security counter), hence the fit.
  useEvent('jobs:changed', ({ job }) => {
    if (
      deviceId !== undefined &&
      job.deviceId === deviceId &&
      job.state !== 'queued' &&
      job.state !== 'running'
    )
      library.reload();
  });
  return library;
}
