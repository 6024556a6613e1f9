import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import type { Device } from '../../../../shared/contract';
import { ProvisionDialog } from '../../provision/ProvisionDialog';
import { RetireDialog } from '../../retire/RetireDialog';

/**
 * The device's actions (ux.md, "Device detail": Provision, Retire). Both talk to the device, so they
 * wait until a transport sees it; a retired device is not provisioned again from here (it would need
 * a new identity first).
 */
export function DeviceActions({ deviceId, device }: { deviceId: string; device: Device | null | undefined }) {
  const [open, setOpen] = useState<'provision' | 'retire' | null>(null);
  const isConnected = (device?.sightings.length ?? 0) > 0;
  const isRetired = device?.state === 'retired';
  const reason = !isConnected ? 'Not connected: plug it in first' : undefined;
  return (
    <>
      <Group gap="xs">
        <Button size="xs" onClick={() => setOpen('provision')} disabled={!isConnected || isRetired} title={reason}>
          Provision…
        </Button>
        <Button size="xs" color="red" variant="light" onClick={() => setOpen('retire')} disabled={!isConnected || isRetired} title={reason}>
          Retire…
        </Button>
        {reason !== undefined && device !== undefined && !isRetired && (
          <Text size="xs" c="dimmed">
            {reason}
          </Text>
        )}
      </Group>
      <ProvisionDialog opened={open === 'provision'} onClose={() => setOpen(null)} deviceId={deviceId} device={device} />
      <RetireDialog opened={open === 'retire'} onClose={() => setOpen(null)} deviceId={deviceId} device={device} />
    </>
  );
}
