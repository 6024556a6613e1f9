import { Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { LoadingRows } from '../../ui/LoadingRows';
import { Section } from '../../ui/Section';
import { View } from '../../ui/View';
import { BundleDetail } from './BundleDetail';
import { BundleTable } from './BundleTable';
import { ImportBundlePanel } from './ImportBundlePanel';
import { useFirmwareLibrary } from './use-firmware-library';

/** The bundle library (ux.md, "Firmware"): import, what each bundle is and whether it verified, which devices it fits. */
export function FirmwareView() {
  const library = useFirmwareLibrary();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const bundles = library.data?.bundles;
  const shownId = selectedId ?? bundles?.[0]?.bundleId ?? null;

  return (
    <View
      title="Firmware"
      aside={
        bundles !== undefined &&
        bundles.length > 0 && (
          <Text size="sm" c="dimmed">
            {bundles.length === 1 ? '1 bundle' : `${bundles.length} bundles`}
          </Text>
        )
      }
    >
      <Stack gap="xl">
        <Section title="Import a bundle">
          <ImportBundlePanel onImported={setSelectedId} />
        </Section>
        <Section title="Library">
          {library.error !== null && <ErrorNotice error={library.error} onRetry={library.reload} />}
          {bundles === undefined && library.error === null && (
            <LoadingRows label="Loading firmware bundles…" rows={3} />
          )}
          {bundles !== undefined && bundles.length === 0 && (
            <EmptyState
              headingOrder={3}
              title="No firmware bundles yet"
              nextStep="Import a signed firmware bundle from your build pipeline; it is verified before it can reach a device."
            />
          )}
          {bundles !== undefined && bundles.length > 0 && (
            <BundleTable bundles={bundles} selectedId={shownId} onSelect={setSelectedId} />
          )}
        </Section>
        {shownId !== null && bundles !== undefined && bundles.length > 0 && (
          <BundleDetail key={shownId} bundleId={shownId} />
        )}
      </Stack>
    </View>
  );
}
