import { Anchor, Stack, Table, Text } from '@mantine/core';
import type { BundleSummary, JobProgress, JobSummary } from '../../../shared/contract';
import { formatTimestamp } from '../../ui/format-time';
import { deviceHref } from '../devices/device-href';
import { JobActions } from './JobActions';
import { JobErrorNotice } from './JobErrorNotice';
import { bundleFileName, formatDuration, isActiveJob, STEP_LABELS } from './job-format';
import { JobProgressBar } from './JobProgressBar';
import { JobStateBadge } from './JobStateBadge';

interface JobsTableProps {
  jobs: JobSummary[];
  progress: ReadonlyMap<string, JobProgress>;
  /** Library bundles by their station path, to name a job's product and version before it is verified. */
  bundlesByPath: ReadonlyMap<string, BundleSummary>;
  /** Serials by device id, where the station knows them. */
  serials: ReadonlyMap<string, string>;
}

export function JobsTable({ jobs, progress, bundlesByPath, serials }: JobsTableProps) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table verticalSpacing="xs" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Device</Table.Th>
            <Table.Th>Firmware</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Step and progress</Table.Th>
            <Table.Th>Started</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {jobs.map((job) => {
            const bundle = bundlesByPath.get(job.bundlePath);
            const deviceLabel = serials.get(job.deviceId) ?? job.deviceId;
            return (
              <Table.Tr key={job.id} data-job-id={job.id} data-job-state={job.state}>
                <Table.Td>
                  <Stack gap={0}>
                    <Anchor href={deviceHref(job.deviceId)} size="sm" ff="monospace">
                      {deviceLabel}
                    </Anchor>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {job.address}
                    </Text>
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <Stack gap={0}>
                    <Text size="sm">
                      {job.firmwareVersion ?? bundle?.version ?? 'version not verified yet'}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {bundle ? `${bundle.product} · ${bundle.fileName}` : bundleFileName(job.bundlePath)}
                    </Text>
                  </Stack>
                </Table.Td>
                <Table.Td>
                  <JobStateBadge state={job.state} />
                </Table.Td>
                <Table.Td>
                  {isActiveJob(job.state) ? (
                    <JobProgressBar job={job} progress={progress.get(job.id)} />
                  ) : job.error !== null ? (
                    <JobErrorNotice error={job.error} />
                  ) : (
                    <Text size="sm">
                      {job.state === 'succeeded' ? 'Verified, tested and confirmed' : STEP_LABELS[job.step]}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {formatTimestamp(job.startedAt)}
                  </Text>
                  {!isActiveJob(job.state) && (
                    <Text size="xs" c="dimmed">
                      took {formatDuration(Date.parse(job.updatedAt) - Date.parse(job.startedAt))}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <JobActions job={job} deviceLabel={deviceLabel} />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
