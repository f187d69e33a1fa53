import { createClient } from '@base44/sdk';

export const base44 = createClient({
  appId: "65f0c0ffee0000000000beef",
  requiresAuth: true
});
