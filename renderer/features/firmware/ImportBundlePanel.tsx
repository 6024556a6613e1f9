import { Button, FileButton, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useState, type DragEvent, type FormEvent } from 'react';
import { FIRMWARE_UPLOAD_MAX_BYTES, type CommandInput, type CommandOutput } from '../../../shared/contract';
import { toAppError, type AppError } from '../../../shared/errors';
import { useBridge } from '../../bridge';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { formatBytes } from '../jobs/job-format';
import { ImportResultNotice } from './ImportResultNotice';
import { readBundleUpload } from './read-bundle-upload';

type ImportState =
  | { kind: 'idle' }
  | { kind: 'importing'; name: string }
  | { kind: 'done'; result: CommandOutput<'firmware:import'> }
  | { kind: 'failed'; error: AppError };

/**
 * Import by file picker or drag and drop (uploaded, up to FIRMWARE_UPLOAD_MAX_BYTES), or by a path
 * on the station's own disk for larger bundles. The station verifies before anything is kept.
 */
export function ImportBundlePanel({ onImported }: { onImported: (bundleId: string) => void }) {
  const bridge = useBridge();
  const [state, setState] = useState<ImportState>({ kind: 'idle' });
  const [isDragging, setIsDragging] = useState(false);

  const send = async (name: string, input: () => Promise<CommandInput<'firmware:import'>>): Promise<void> => {
    setState({ kind: 'importing', name });
    try {
      const result = await bridge.invoke('firmware:import', await input());
      setState({ kind: 'done', result });
      if (result.outcome === 'imported') onImported(result.bundle.bundleId);
    } catch (error: unknown) {
      setState({ kind: 'failed', error: toAppError(error) });
    }
  };
  const importFile = (file: File | null): void => {
    if (file !== null) void send(file.name, () => readBundleUpload(file));
  };
  const drop = (event: DragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    setIsDragging(false);
    importFile(event.dataTransfer.files[0] ?? null);
  };
  const importPath = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const path = new FormData(event.currentTarget).get('path');
    if (typeof path === 'string' && path.trim() !== '')
      void send(path.trim(), () => Promise.resolve({ path: path.trim() }));
  };
  const isImporting = state.kind === 'importing';

  return (
    <Stack gap="sm">
      <Paper
        withBorder
        p="md"
        radius="sm"
        style={{
          borderStyle: 'dashed',
          borderColor: isDragging ? 'var(--mantine-color-violet-5)' : undefined,
        }}
        onDragOver={(event) => {
          event.preventDefault();
          setIsDragging(true);
        }}
        onDragLeave={() => setIsDragging(false)}
        onDrop={drop}
      >
        <Group justify="space-between" align="center" gap="md">
          <Stack gap={2}>
            <Text fw={500}>Drop a signed bundle (.fwb) here, or choose it</Text>
            <Text size="sm" c="dimmed">
              Verified before it is kept: release signature against the trust store, manifest, and every
              image. Up to {formatBytes(FIRMWARE_UPLOAD_MAX_BYTES)} from this browser.
            </Text>
          </Stack>
          <FileButton
            onChange={importFile}
            accept=".fwb,application/x-tar,application/octet-stream"
            disabled={isImporting}
          >
            {(props) => (
              <Button {...props} loading={isImporting}>
                Choose a bundle file
              </Button>
            )}
          </FileButton>
        </Group>
      </Paper>
      <form onSubmit={importPath} aria-label="Import from the station’s disk">
        <Group align="flex-end" gap="xs">
          <TextInput
            name="path"
            label="Path on the station"
            placeholder="/home/tech/releases/sensor-1.5.0.fwb"
            style={{ flex: 1 }}
            disabled={isImporting}
          />
          <Button type="submit" variant="default" disabled={isImporting}>
            Import from path
          </Button>
        </Group>
      </form>
      {state.kind === 'importing' && (
        <Text size="sm" role="status">
          Verifying {state.name}…
        </Text>
      )}
      {state.kind === 'done' && <ImportResultNotice result={state.result} />}
      {state.kind === 'failed' && <ErrorNotice error={state.error} />}
    </Stack>
  );
}
