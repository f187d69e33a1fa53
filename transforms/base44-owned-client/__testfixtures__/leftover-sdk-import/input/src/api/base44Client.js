import { createClient } from '@base44/sdk';
// import { getAccessToken } from '@base44/sdk/utils/auth-utils';

// Create a client with authentication required
export const base44 = createClient({
  appId: "68a1b2c3d4e5f60718293a4b", 
  requiresAuth: true // Ensure authentication is required for all operations
});
