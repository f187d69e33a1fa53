import { lovable } from '../integrations/lovable'
import { toast } from 'sonner'

export function SocialButtons({ next }: { next: string }) {
  const signIn = async (provider: 'apple' | 'microsoft') => {
    const { error } = await lovable.auth.signInWithOAuth(provider, { redirect_uri: `${window.location.origin}${next}` })
    if (error) toast.error(error.message)
  }
  return (
    <div className="grid gap-2">
      <button onClick={() => lovable.auth.signInWithOAuth('apple')}>Apple</button>
      <button onClick={() => lovable.auth.signInWithOAuth('microsoft', { extraParams: { prompt: 'select_account' } })}>Microsoft</button>
      <button onClick={() => signIn('apple')}>Apple (back here)</button>
    </div>
  )
}
