import React, { createContext, useState, useEffect } from 'react';
import { base44 } from '@/api/base44Client';
import { appParams } from '@/lib/app-params';
import { createAxiosClient } from '@base44/sdk/dist/utils/axios-client';

const AuthContext = createContext();

export const AuthProvider = ({ children }) => {
  const [settings, setSettings] = useState(null);
  useEffect(() => {
    const appClient = createAxiosClient({
      baseURL: `/api/apps/public`,
      headers: { 'X-App-Id': appParams.appId },
      token: appParams.token,
      interceptResponses: true
    });
    appClient.get(`/prod/public-settings/by-id/${appParams.appId}`).then(setSettings);
    base44.auth.me().catch(() => base44.auth.redirectToLogin(window.location.href));
  }, []);
  return <AuthContext.Provider value={{ settings }}>{children}</AuthContext.Provider>;
};
