// Published at taskflow-buddy.lovable.app until the move; links use the configured address.
export const siteUrl = (path: string) => new URL(path, import.meta.env.VITE_SITE_URL).toString();
