import { ActionIcon, Tooltip } from '@mantine/core';
import { useClipboard } from '@mantine/hooks';

interface CopyTextButtonProps {
  /** The full text copied, e.g. a 64-character hash shown shortened beside the button. */
  value: string;
  /** The button's accessible name, e.g. "Copy hash". */
  label: string;
}

const COPIED_MS = 1_500;

/**
 * A small copy button for ids and hashes (ux.md, "copy buttons"). Its name says what happened:
 * "Copied", or "Copy failed" when the clipboard is refused, so a failure is never silent.
 */
export function CopyTextButton({ value, label }: CopyTextButtonProps) {
  const clipboard = useClipboard({ timeout: COPIED_MS });
  const state = clipboard.copied
    ? 'Copied'
    : clipboard.error !== null
      ? 'Copy failed: the clipboard is not available here'
      : label;
  return (
    <Tooltip label={state} withArrow openDelay={300}>
      <ActionIcon
        variant="subtle"
        color={clipboard.error !== null ? 'orange' : 'gray'}
        size="sm"
        aria-label={state}
        onClick={(event) => {
          // Inside a clickable row or card, copying is not also a request to open it.
          event.stopPropagation();
          clipboard.copy(value);
        }}
      >
        {clipboard.copied ? <CheckIcon /> : <CopyIcon />}
      </ActionIcon>
    </Tooltip>
  );
}

function CopyIcon() {
  return (
    <svg
      width="14"
      height="14"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden
    >
      <rect x="9" y="9" width="12" height="12" rx="2" />
      <path d="M5 15V5a2 2 0 0 1 2-2h10" />
    </svg>
  );
}

function CheckIcon() {
  return (
    <svg
      width="14"
      height="14"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden
    >
      <path d="M5 12l5 5 9-11" />
    </svg>
  );
}
