import { EmptyState } from '../../ui/EmptyState';
import { View } from '../../ui/View';

export function FirmwareView() {
  return (
    <View title="Firmware">
      <EmptyState
        title="No firmware bundles yet"
        nextStep="Import a signed firmware bundle from your build pipeline; it is verified before it can reach a device."
      />
    </View>
  );
}
