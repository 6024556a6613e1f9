import { use } from 'react';
import { AppError } from '../../shared/errors';
import { BridgeContext } from './bridge-context';
import type { StationBridge } from './station-bridge';

export function useBridge(): StationBridge {
  const bridge = use(BridgeContext);
  if (bridge === null) throw new AppError('INTERNAL', 'useBridge was called outside <BridgeProvider>.');
  return bridge;
}
