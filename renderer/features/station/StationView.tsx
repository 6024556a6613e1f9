import { EmptyState } from '../../ui/EmptyState';
import { View } from '../../ui/View';

export function StationView() {
  return (
    <View title="Station">
      <EmptyState
        title="Factory mode is not set up"
        nextStep="Lock a recipe and connect the station's USB hubs; each port then gets a tile that shows its device and progress."
      />
    </View>
  );
}
