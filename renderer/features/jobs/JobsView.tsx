import { EmptyState } from '../../ui/EmptyState';
import { View } from '../../ui/View';

export function JobsView() {
  return (
    <View title="Jobs">
      <EmptyState
        title="No jobs yet"
        nextStep="Provisioning, firmware updates and retirements appear here with their steps. Start one from the Devices view."
      />
    </View>
  );
}
