import { resetDb } from '../../shared/store/client';

// Close the SDK's keep-alive sockets so each test file ends cleanly.
afterAll(() => resetDb());
