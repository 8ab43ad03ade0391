// The storefront's only script, loaded from this origin (the Content-Security-Policy allows no inline script).
// Everything works without it; it only makes two things nicer:
// - a form marked data-submit-once sends once: a second click while the first is on its way does nothing (the
//   server would answer a repeated order form with the same order anyway, through its Idempotency-Key);
// - after a refused form, focus moves to the first field in error (or the error summary), so a keyboard or
//   screen-reader user lands on the message.

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-submit-once')) return;
  if (form.dataset.submitted === 'true') {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = 'true';
  form.setAttribute('aria-busy', 'true');
  const button = form.querySelector('button[type="submit"], button:not([type])');
  if (button) {
    button.setAttribute('aria-disabled', 'true');
    button.textContent = form.getAttribute('data-submit-once') || button.textContent;
  }
});

// a page restored from the back/forward cache must accept its form again
window.addEventListener('pageshow', () => {
  for (const form of document.querySelectorAll('form[data-submitted]')) {
    delete form.dataset.submitted;
    form.removeAttribute('aria-busy');
  }
});

document.addEventListener('DOMContentLoaded', () => {
  const target = document.querySelector('[data-error-focus], [data-error-summary]');
  if (target instanceof HTMLElement) target.focus();
});
