import { createTheme } from '@mantine/core';

/** Dense but calm (ux.md): compact defaults, one accent colour, monospace for ids and hashes. */
export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
});
