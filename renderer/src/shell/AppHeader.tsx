import { Burger, Group, Text } from '@mantine/core';
import { SyncIndicator } from '../../features/sync/SyncIndicator';
import { StationLabel } from './StationLabel';
import { ThemeToggle } from './ThemeToggle';

interface AppHeaderProps {
  isNavigationOpen: boolean;
  onToggleNavigation: () => void;
}

export function AppHeader({ isNavigationOpen, onToggleNavigation }: AppHeaderProps) {
  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap">
      <Group gap="md" wrap="nowrap">
        <Burger
          opened={isNavigationOpen}
          onClick={onToggleNavigation}
          hiddenFrom="sm"
          size="sm"
          aria-label={isNavigationOpen ? 'Close navigation' : 'Open navigation'}
        />
        <Text fw={700} size="lg">
          Fieldline
        </Text>
        <StationLabel />
      </Group>
      <Group gap="md" wrap="nowrap">
        <SyncIndicator />
        <ThemeToggle />
      </Group>
    </Group>
  );
}
