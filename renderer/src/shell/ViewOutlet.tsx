import type { ComponentType } from 'react';
import { DeviceDetailView } from '../../features/devices/detail/DeviceDetailView';
import { DevicesView } from '../../features/devices/DevicesView';
import { FirmwareView } from '../../features/firmware/FirmwareView';
import { JobsView } from '../../features/jobs/JobsView';
import { RecordsView } from '../../features/records/RecordsView';
import { SettingsView } from '../../features/settings/SettingsView';
import { StationView } from '../../features/station/StationView';
import type { Route } from './use-hash-route';
import type { ViewId } from './views';

const VIEW_COMPONENTS: Record<ViewId, ComponentType> = {
  devices: DevicesView,
  jobs: JobsView,
  firmware: FirmwareView,
  records: RecordsView,
  station: StationView,
  settings: SettingsView,
};

export function ViewOutlet({ route }: { route: Route }) {
  // Keyed by id: another device starts from a clean slate instead of showing the last one's data.
  if (route.deviceId !== null) return <DeviceDetailView key={route.deviceId} deviceId={route.deviceId} />;
  const Component = VIEW_COMPONENTS[route.view];
  return <Component />;
}
