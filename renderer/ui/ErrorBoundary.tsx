import { Component, type ErrorInfo, type ReactNode } from 'react';
import { toAppError, type AppError } from '../../shared/errors';
import { ErrorNotice } from './ErrorNotice';

interface ErrorBoundaryProps {
  children: ReactNode;
  /** When this value changes (e.g. the current view), a shown error is cleared. */
  resetKey?: unknown;
  /** Where caught errors are reported; the fallback only shows the person what to do. */
  onError?: (error: AppError, info: ErrorInfo) => void;
}

interface ErrorBoundaryState {
  error: AppError | null;
  resetKey: unknown;
}

/** Catches render errors of its children and shows them through the error table. */
export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  override state: ErrorBoundaryState = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<ErrorBoundaryState> {
    return { error: toAppError(error) };
  }

  static getDerivedStateFromProps(
    props: ErrorBoundaryProps,
    state: ErrorBoundaryState,
  ): Partial<ErrorBoundaryState> | null {
    return Object.is(props.resetKey, state.resetKey) ? null : { error: null, resetKey: props.resetKey };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    this.props.onError?.(toAppError(error), info);
  }

  readonly #retry = (): void => this.setState({ error: null });

  override render(): ReactNode {
    if (this.state.error !== null) return <ErrorNotice error={this.state.error} onRetry={this.#retry} />;
    return this.props.children;
  }
}
