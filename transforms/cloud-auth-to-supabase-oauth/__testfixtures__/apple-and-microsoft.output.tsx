import { supabase } from '../integrations/supabase/client'
import { toast } from 'sonner'

export function SocialButtons({ next }: { next: string }) {
  const signIn = async (provider: 'apple' | 'microsoft') => {
    const { error } = await supabase.auth.signInWithOAuth({ provider, options: { redirectTo: `${window.location.origin}${next}` } })
    if (error) toast.error(error.message)
  }
  return (
    <div className="grid gap-2">
      <button onClick={() => supabase.auth.signInWithOAuth({ provider: 'apple' })}>Apple</button>
      <button onClick={() => supabase.auth.signInWithOAuth({ provider: 'azure', options: { queryParams: { prompt: 'select_account' } } })}>Microsoft</button>
      <button onClick={() => signIn('apple')}>Apple (back here)</button>
    </div>
  )
}
