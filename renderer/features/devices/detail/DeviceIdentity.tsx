import { DataList, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Device } from '../../../../shared/contract';
import { CopyTextButton } from '../../../ui/CopyTextButton';
import { formatTimestamp } from '../../../ui/format-time';
import { DeviceStateBadge } from '../DeviceStateBadge';

/** What the device is: ids to copy, model, lifecycle state and the firmware it last reported. */
export function DeviceIdentity({ device }: { device: Device }) {
  return (
    <DataList size="sm" gap={6} labelWidth="8rem">
      <Fact label="Serial">
        {device.serial === null ? <Unknown /> : <Copyable value={device.serial} label="Copy serial" />}
      </Fact>
      <Fact label="Device id">
        <Copyable value={device.id} label="Copy device id" />
      </Fact>
      <Fact label="Model">{device.model ?? <Unknown />}</Fact>
      <Fact label="State">
        <DeviceStateBadge state={device.state} />
      </Fact>
      <Fact label="Firmware">
        {device.firmwareVersion === null ? (
          <Unknown />
        ) : (
          <Text span size="sm" ff="monospace">
            {device.firmwareVersion}
          </Text>
        )}
      </Fact>
      <Fact label="Last action">{device.lastAction ?? <Unknown text="None yet" />}</Fact>
      <Fact label="Updated">
        <time dateTime={device.updatedAt}>{formatTimestamp(device.updatedAt)}</time>
      </Fact>
    </DataList>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel c="dimmed">{label}</DataList.ItemLabel>
      <DataList.ItemValue>{children}</DataList.ItemValue>
    </DataList.Item>
  );
}

function Copyable({ value, label }: { value: string; label: string }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Text span size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
      <CopyTextButton value={value} label={label} />
    </Group>
  );
}

function Unknown({ text = 'Unknown' }: { text?: string }) {
  return (
    <Text span size="sm" c="dimmed">
      {text}
    </Text>
  );
}
