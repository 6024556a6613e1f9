import { createTheme, type CSSVariablesResolver } from '@mantine/core';

/** Dense but calm (ux.md): compact defaults, one accent colour, monospace for ids and hashes. */
export const theme = createTheme({
  primaryColor: 'indigo',
  // Mantine's default shade 6 gives links and filled buttons about 4:1 on white; WCAG AA (and axe's
  // color-contrast rule) asks 4.5:1 for body text. Shade 8 passes in light; dark keeps its own.
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'sm',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
});

/**
 * `c="dimmed"` text is secondary, not unreadable: Mantine's gray 6 on white is 3.3:1, below AA. One
 * shade darker (light) and lighter (dark) keeps the hierarchy and passes at arm's length on a station.
 */
export const cssVariablesResolver: CSSVariablesResolver = (resolved) => ({
  variables: {},
  light: { '--mantine-color-dimmed': resolved.colors.gray[7] },
  dark: { '--mantine-color-dimmed': resolved.colors.dark[1] },
});
