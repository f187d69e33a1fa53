import { createOwnedClient } from './ownit-client';

// Create a client with authentication required
export const base44 = createOwnedClient({
  appId: "68a1b2c3d4e5f60718293a4b", 
  requiresAuth: true // Ensure authentication is required for all operations
});
