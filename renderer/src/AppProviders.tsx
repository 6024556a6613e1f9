import { MantineProvider } from '@mantine/core';
import type { ReactNode } from 'react';
import { BridgeProvider, type StationBridge } from '../bridge';
import { ErrorBoundary } from '../ui/ErrorBoundary';
import { cssVariablesResolver, theme } from './theme';

interface AppProvidersProps {
  bridge: StationBridge;
  children: ReactNode;
  /** `test` turns off Mantine's transitions and portals, for jsdom. */
  env?: 'default' | 'test';
}

/** Everything a view needs around it; shared by main.tsx and the component tests. */
export function AppProviders({ bridge, children, env = 'default' }: AppProvidersProps) {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto" env={env}>
      <ErrorBoundary>
        <BridgeProvider bridge={bridge}>{children}</BridgeProvider>
      </ErrorBoundary>
    </MantineProvider>
  );
}
