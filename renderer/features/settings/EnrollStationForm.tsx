import {
  Button,
  FileButton,
  Group,
  Loader,
  PasswordInput,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { SyncStatus } from '../../../shared/contract';
import { toAppError, type AppError, type ErrorCode } from '../../../shared/errors';
import { useBridge } from '../../bridge';
import { ErrorNotice } from '../../ui/ErrorNotice';
import {
  checkCaPem,
  checkServerUrl,
  checkToken,
  ENROLLMENT_FIELDS,
  toEnrollInput,
  validateEnrollment,
  type EnrollmentErrors,
  type EnrollmentField,
} from './enrollment-input';
import { readCertificateFile } from './read-certificate-file';

interface EnrollStationFormProps {
  /** Prefills the address, e.g. when enrolling again at the same server. */
  initialServerUrl?: string;
  onEnrolled: (status: SyncStatus) => void;
  /** Shown as a Cancel button when the form was opened on purpose (enrolling again). */
  onCancel?: () => void;
}

/** Which field a refusal most likely concerns; it gets the focus so the person can correct it. */
function fieldForRefusal(code: ErrorCode): EnrollmentField {
  if (code === 'BOOTSTRAP_TOKEN_INVALID') return 'token';
  if (code === 'CERTIFICATE_INVALID' || code === 'TRUST_STORE_INVALID') return 'caPem';
  return 'serverUrl';
}

/**
 * Enrolls this station at a fleet server with a one-time bootstrap token. The token lives only in its
 * password input: it is read from the element when sending, never kept in React state (a controlled
 * input would also write it into the `value` attribute), and the input is cleared as soon as it is sent.
 * A refusal is shown through the error table and the other fields keep what was typed.
 */
export function EnrollStationForm({ initialServerUrl = '', onEnrolled, onCancel }: EnrollStationFormProps) {
  const bridge = useBridge();
  const [serverUrl, setServerUrl] = useState(initialServerUrl);
  const [caPem, setCaPem] = useState('');
  const [fileNote, setFileNote] = useState<string | null>(null);
  const [errors, setErrors] = useState<EnrollmentErrors>({});
  const [hasTried, setHasTried] = useState(false);
  const [isEnrolling, setIsEnrolling] = useState(false);
  const [refusal, setRefusal] = useState<AppError | null>(null);
  const fields = {
    serverUrl: useRef<HTMLInputElement>(null),
    token: useRef<HTMLInputElement>(null),
    caPem: useRef<HTMLTextAreaElement>(null),
  };
  // Focus waits for the render that re-enables the fields after a refusal (a disabled input takes none).
  const [focusTarget, setFocusTarget] = useState<EnrollmentField | null>(null);
  useEffect(() => {
    if (focusTarget === null) return;
    fields[focusTarget].current?.focus();
    setFocusTarget(null);
  });

  // Before the first attempt, fields are not judged while being typed; after it, they are, so a
  // corrected field loses its message at once.
  const recheck = (field: EnrollmentField, message: string | null) => {
    if (hasTried) setErrors((previous) => ({ ...previous, [field]: message ?? undefined }));
  };

  const chooseFile = async (file: File | null) => {
    if (file === null) return;
    const result = await readCertificateFile(file);
    if (!result.ok) {
      setErrors((previous) => ({ ...previous, caPem: result.problem }));
      setFileNote(null);
      return;
    }
    setCaPem(result.text);
    setFileNote(`Read from ${file.name}`);
    setErrors((previous) => ({ ...previous, caPem: checkCaPem(result.text.trim()) ?? undefined }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (isEnrolling) return;
    const values = { serverUrl, token: fields.token.current?.value ?? '', caPem };
    const found = validateEnrollment(values);
    setErrors(found);
    setHasTried(true);
    const firstInvalid = ENROLLMENT_FIELDS.find((field) => found[field] !== undefined);
    if (firstInvalid !== undefined) {
      setFocusTarget(firstInvalid);
      return;
    }
    // Sent once, then gone from the page: a refused token must be entered again.
    if (fields.token.current !== null) fields.token.current.value = '';
    setRefusal(null);
    setIsEnrolling(true);
    bridge.invoke('sync:enroll-station', toEnrollInput(values)).then(
      (status) => {
        setIsEnrolling(false);
        onEnrolled(status);
      },
      (error: unknown) => {
        const appError = toAppError(error);
        setIsEnrolling(false);
        setRefusal(appError);
        setFocusTarget(fieldForRefusal(appError.code));
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Enroll this station">
      <Stack gap="sm" maw={640}>
        <TextInput
          ref={fields.serverUrl}
          label="Server URL"
          placeholder="https://fleet.example.com"
          description="The fleet server’s address, from its administrator."
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          value={serverUrl}
          error={errors.serverUrl}
          disabled={isEnrolling}
          onChange={(event) => {
            setServerUrl(event.currentTarget.value);
            recheck('serverUrl', checkServerUrl(event.currentTarget.value.trim()));
          }}
        />
        <PasswordInput
          ref={fields.token}
          label="Bootstrap token"
          description="The one-time token from the fleet administrator. It is cleared from this form once sent."
          autoComplete="off"
          spellCheck={false}
          error={errors.token}
          disabled={isEnrolling}
          visibilityToggleButtonProps={{ 'aria-label': 'Show or hide the token' }}
          onChange={(event) => recheck('token', checkToken(event.currentTarget.value.trim()))}
        />
        <Textarea
          ref={fields.caPem}
          label="Fleet CA certificate"
          description="Paste the PEM text, or choose the .pem or .crt file. It lets this station trust the server on first contact."
          placeholder={'-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----'}
          autosize
          minRows={4}
          maxRows={10}
          spellCheck={false}
          value={caPem}
          error={errors.caPem}
          disabled={isEnrolling}
          styles={{
            input: {
              fontFamily: 'var(--mantine-font-family-monospace)',
              fontSize: 'var(--mantine-font-size-xs)',
            },
          }}
          onChange={(event) => {
            setCaPem(event.currentTarget.value);
            setFileNote(null);
            recheck('caPem', checkCaPem(event.currentTarget.value.trim()));
          }}
        />
        <Group gap="sm">
          <FileButton
            onChange={(file) => void chooseFile(file)}
            accept=".pem,.crt,.cer,application/x-pem-file,application/x-x509-ca-cert"
          >
            {(props) => (
              <Button {...props} variant="default" size="xs" disabled={isEnrolling}>
                Choose a .pem or .crt file
              </Button>
            )}
          </FileButton>
          {fileNote !== null && (
            <Text size="xs" c="dimmed">
              {fileNote}
            </Text>
          )}
        </Group>
        {refusal !== null && <ErrorNotice error={refusal} />}
        <Group gap="sm">
          <Button
            type="submit"
            disabled={isEnrolling}
            leftSection={isEnrolling ? <Loader size={14} /> : undefined}
          >
            {isEnrolling ? 'Enrolling station…' : 'Enroll station'}
          </Button>
          {onCancel !== undefined && (
            <Button variant="subtle" onClick={onCancel} disabled={isEnrolling}>
              Cancel
            </Button>
          )}
          <Text size="sm" c="dimmed" role="status">
            {isEnrolling ? `Contacting ${serverUrl.trim()}; this can take up to a minute.` : ''}
          </Text>
        </Group>
      </Stack>
    </form>
  );
}
