import { Badge, Group, Stack, Table, Text } from '@mantine/core';
import type { PlanSetting, ProvisionPlan } from '../../../shared/contract';

const SETTING_STATUS: Record<PlanSetting['status'], { label: string; color: string }> = {
  same: { label: 'Same', color: 'teal' },
  differs: { label: 'Differs', color: 'orange' },
  absent: { label: 'Absent', color: 'blue' },
  'write-only': { label: 'Write-only', color: 'gray' },
};

/** A secret's stand-in, shortened: enough to compare by eye with the ledger, never the value. */
export function shortDigest(digest: string): string {
  return `${digest.slice(0, 'sha256:'.length + 12)}…`;
}

/**
 * The plan in one glance (ux.md: "Firmware 1.4.2 → 1.5.0 · enroll certificate · 3 settings change"),
 * then each part: firmware, certificate, every setting with same / differs / absent. Secrets show
 * only as "will be written" with their salted hash.
 */
export function PlanSummary({ plan }: { plan: ProvisionPlan }) {
  const changing = plan.settings.filter((setting) => setting.action === 'write').length;
  return (
    <Stack gap="sm" aria-label="Plan" role="group">
      <Text fw={600} data-testid="plan-headline">
        {plan.isUpToDate
          ? 'Nothing to do: the device already matches the recipe.'
          : [
              plan.firmware.action === 'install' ? plan.firmware.summary : null,
              plan.certificate.action === 'enroll' ? 'enroll certificate' : null,
              changing > 0 ? `${changing} ${changing === 1 ? 'setting changes' : 'settings change'}` : null,
            ]
              .filter((part) => part !== null)
              .join(' · ')}
      </Text>
      <Text size="xs" c="dimmed">
        {plan.recipe.name} {plan.recipe.version} · recipe SHA-256 {plan.recipe.contentSha256.slice(0, 12)}…
        {plan.recipe.gitCommit !== null && ` · git ${plan.recipe.gitCommit.slice(0, 10)}${plan.recipe.isModified === true ? ' (modified)' : ''}`}
      </Text>
      <Table withTableBorder verticalSpacing={4} aria-label="What will change">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Part</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>What happens</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          <Table.Tr data-plan-part="firmware">
            <Table.Td>Firmware</Table.Td>
            <Table.Td>
              <Badge variant="light" color={plan.firmware.action === 'install' ? 'orange' : 'teal'}>
                {plan.firmware.action === 'install' ? 'Install' : 'Up to date'}
              </Badge>
            </Table.Td>
            <Table.Td>{plan.firmware.summary}</Table.Td>
          </Table.Tr>
          <Table.Tr data-plan-part="certificate">
            <Table.Td>Certificate</Table.Td>
            <Table.Td>
              <Badge variant="light" color={plan.certificate.action === 'enroll' ? 'orange' : 'teal'}>
                {plan.certificate.action === 'enroll' ? 'Enroll' : 'Valid'}
              </Badge>
            </Table.Td>
            <Table.Td>{plan.certificate.summary}</Table.Td>
          </Table.Tr>
          {plan.settings.map((setting) => (
            <Table.Tr key={setting.name} data-plan-part="setting" data-setting={setting.name} data-status={setting.status}>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {setting.name}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color={SETTING_STATUS[setting.status].color}>
                  {SETTING_STATUS[setting.status].label}
                </Badge>
              </Table.Td>
              <Table.Td>
                <SettingChange setting={setting} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {plan.variables.length > 0 && (
        <Group gap="xs">
          <Text size="xs" c="dimmed">
            Values from:{' '}
            {plan.variables
              .map((variable) => `${variable.name} ← ${variable.source}${variable.allocation?.isNew === true ? ` (new #${variable.allocation.counter})` : ''}`)
              .join(' · ')}
          </Text>
        </Group>
      )}
    </Stack>
  );
}

function SettingChange({ setting }: { setting: PlanSetting }) {
  if (setting.isSecret) {
    const digest = setting.desiredDigest;
    return (
      <Text size="sm">
        {setting.action === 'write' ? 'secret: will be written' : 'secret: already set'}
        {digest !== null && (
          <Text span size="xs" c="dimmed" ff="monospace" title={digest}>
            {' '}
            (hash {shortDigest(digest)})
          </Text>
        )}
      </Text>
    );
  }
  if (setting.action === 'none') return <Text size="sm">{setting.desired ?? setting.summary}</Text>;
  return (
    <Text size="sm">
      <Text span ff="monospace">
        {setting.current ?? 'not set'}
      </Text>{' '}
      →{' '}
      <Text span ff="monospace" fw={600}>
        {setting.desired ?? '?'}
      </Text>
    </Text>
  );
}
