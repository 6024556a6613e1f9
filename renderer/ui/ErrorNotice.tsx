import { Alert, Button, Code, Stack, Text } from '@mantine/core';
import { ERROR_TABLE, toAppError } from '../../shared/errors';

interface ErrorNoticeProps {
  error: unknown;
  /** Shown as a "Try again" button when the failed work can simply be repeated. */
  onRetry?: () => void;
}

/**
 * The one way an error is shown: the error table's title and suggested action, with the raw
 * message folded away (ux.md, "Failures explain themselves").
 */
export function ErrorNotice({ error, onRetry }: ErrorNoticeProps) {
  const appError = toAppError(error);
  const { title, action } = ERROR_TABLE[appError.code];
  return (
    <Alert color="red" variant="light" title={title}>
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{action}</Text>
        <details>
          <summary>Technical details</summary>
          <Code block mt="xs">
            {`${appError.code}: ${appError.message}`}
          </Code>
        </details>
        {onRetry && (
          <Button size="xs" variant="default" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}
