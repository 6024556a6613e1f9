import type { ComponentType } from 'react';
import { DevicesView } from '../../features/devices/DevicesView';
import { FirmwareView } from '../../features/firmware/FirmwareView';
import { JobsView } from '../../features/jobs/JobsView';
import { RecordsView } from '../../features/records/RecordsView';
import { SettingsView } from '../../features/settings/SettingsView';
import { StationView } from '../../features/station/StationView';
import type { ViewId } from './views';

const VIEW_COMPONENTS: Record<ViewId, ComponentType> = {
  devices: DevicesView,
  jobs: JobsView,
  firmware: FirmwareView,
  records: RecordsView,
  station: StationView,
  settings: SettingsView,
};

export function ViewOutlet({ view }: { view: ViewId }) {
  const Component = VIEW_COMPONENTS[view];
  return <Component />;
}
