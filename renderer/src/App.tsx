import { AppShell } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { DeviceFiltersProvider } from '../features/devices/DeviceFiltersProvider';
import { ErrorBoundary } from '../ui/ErrorBoundary';
import { AppHeader } from './shell/AppHeader';
import { MainNavigation } from './shell/MainNavigation';
import { useHashRoute } from './shell/use-hash-route';
import { ViewOutlet } from './shell/ViewOutlet';

export function App() {
  const route = useHashRoute();
  const [isNavigationOpen, navigation] = useDisclosure(false);
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !isNavigationOpen } }}
      padding="md"
    >
      <AppShell.Header>
        <AppHeader isNavigationOpen={isNavigationOpen} onToggleNavigation={navigation.toggle} />
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <MainNavigation current={route.view} onNavigate={navigation.close} />
      </AppShell.Navbar>
      <AppShell.Main>
        {/* The Devices filters outlive the view, so opening a device and coming back keeps them. */}
        <DeviceFiltersProvider>
          {/* Keyed by route: leaving a broken view clears its error, and the others stay usable. */}
          <ErrorBoundary resetKey={`${route.view}/${route.deviceId ?? ''}`}>
            <ViewOutlet route={route} />
          </ErrorBoundary>
        </DeviceFiltersProvider>
      </AppShell.Main>
    </AppShell>
  );
}
