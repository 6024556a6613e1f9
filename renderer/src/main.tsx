import './zod-without-eval';
import '@mantine/core/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppError } from '../../shared/errors';
import { createBridge } from '../bridge';
import { App } from './App';
import { AppProviders } from './AppProviders';

const container = document.getElementById('root');
if (container === null) throw new AppError('INTERNAL', 'index.html has no #root element.');

createRoot(container).render(
  <StrictMode>
    <AppProviders bridge={createBridge()}>
      <App />
    </AppProviders>
  </StrictMode>,
);
