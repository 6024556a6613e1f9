import './dom-setup';
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { AppProviders } from '../src/AppProviders';
import type { StationBridge } from '../bridge/station-bridge';

/** Renders inside the app's providers (Mantine in test mode, the given bridge). */
export function renderView(ui: ReactElement, bridge: StationBridge): RenderResult {
  return render(
    <AppProviders bridge={bridge} env="test">
      {ui}
    </AppProviders>,
  );
}
