import type { ReactNode } from 'react';
import { BridgeContext } from './bridge-context';
import type { StationBridge } from './station-bridge';

export function BridgeProvider({ bridge, children }: { bridge: StationBridge; children: ReactNode }) {
  return <BridgeContext value={bridge}>{children}</BridgeContext>;
}
