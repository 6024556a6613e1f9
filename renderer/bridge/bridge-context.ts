import { createContext } from 'react';
import type { StationBridge } from './station-bridge';

export const BridgeContext = createContext<StationBridge | null>(null);
