import { aliasKeys } from '../discovery/sighting-report';
import { describeSmpEndpoint, type SmpEndpoint, type SmpLinkPorts } from '../drivers/smp/smp-flasher-link';
import { SmpFlashSession, type SmpFlashIdentity } from '../drivers/smp/smp-flasher-session';

/**
 * Asks the device at an endpoint who it is (identity group 64, protocols.md §7) and names it the way
 * discovery does (`hwid:<HEX>`, sighting-report.ts), so a job started by port lands on the same ledger
 * device as discovery's records. A device without an identity group is named by its serial, else by
 * where it is.
 */
export async function identifySmpDevice(
  ports: SmpLinkPorts,
  endpoint: SmpEndpoint,
  signal?: AbortSignal,
): Promise<{ deviceId: string; identity: SmpFlashIdentity | null }> {
  const session = new SmpFlashSession({ ports, endpoint, expectedHardwareId: null, requestTimeoutMs: 1_000 });
  try {
    await session.connect(signal);
    const identity = session.identity;
    const keys =
      identity === null ? [] : aliasKeys({ hardwareId: identity.hardwareId, serial: identity.serial });
    return { deviceId: keys[0] ?? describeSmpEndpoint(endpoint), identity };
  } finally {
    await session.close();
  }
}
