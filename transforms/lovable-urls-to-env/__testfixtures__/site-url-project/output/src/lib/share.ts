export const inviteUrl = (code: string) => `${import.meta.env.VITE_SITE_URL}/join?code=` + encodeURIComponent(code);
