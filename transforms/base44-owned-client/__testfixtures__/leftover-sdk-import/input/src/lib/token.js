import { getAccessToken } from '@base44/sdk/utils/auth-utils';

export const hasSession = () => Boolean(getAccessToken());
