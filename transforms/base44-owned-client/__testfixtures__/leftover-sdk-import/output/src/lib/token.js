// ownit-todo: @base44/sdk/utils/auth-utils is gone after the move to the app's own server: import what this needs from ../api/ownit-client (the owned client) or remove it
import { getAccessToken } from '@base44/sdk/utils/auth-utils';

export const hasSession = () => Boolean(getAccessToken());
