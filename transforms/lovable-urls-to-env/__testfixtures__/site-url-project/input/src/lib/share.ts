export const inviteUrl = (code: string) => 'https://harbor-tide.lovable.app/join?code=' + encodeURIComponent(code);
