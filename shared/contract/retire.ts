import { z } from 'zod';
import { defineCommand } from './define';
import { operationSummarySchema } from './operations';

/** NIST SP 800-88 Rev. 1 levels a retirement can claim (main/core/retirement/README.md, "Method"). */
export const RETIRE_METHODS = ['clear', 'purge'] as const;
export const retireMethodSchema = z.enum(RETIRE_METHODS);

const itemName = z.string().min(1).max(64);

export const devicesRetire = defineCommand({
  name: 'devices:retire',
  input: z
    .object({
      deviceId: z.string().min(1).max(200),
      method: retireMethodSchema,
      /** Who retires the device; the certificate of sanitization names them. The station's actor when absent. */
      operator: z.string().min(1).max(100).optional(),
      /** Settings to delete and check besides those the ledger recorded being written to the device. */
      settingNames: z.array(itemName).max(500).optional(),
      /** Files (absolute device paths) to check besides those the ledger recorded. */
      filePaths: z.array(itemName).max(500).optional(),
    })
    .strict(),
  output: z.object({ operation: operationSummarySchema }),
  doc: 'Wipes a device, verifies the wipe by reading back, signs a certificate of sanitization and queues its certificate revocation; the operation ends retired or failed naming what remained.',
});
