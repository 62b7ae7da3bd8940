/*
 * Business Feedback Portal — portal.js
 * Progressive enhancement only: every page works without this file.
 * No dependencies, no inline handlers (CSP-friendly), no inline styles.
 *
 *   [data-print]            click -> window.print()
 *   form[data-confirm="…"]  ask window.confirm(message) before submitting
 *                           (a submit button may carry its own data-confirm)
 *   [data-copy="#sel"]      copy the text of #sel to the clipboard; optional
 *                           data-copied-label="…" for the feedback text
 *   form[data-once]         disable submit buttons once the submission proceeds
 *   .error-summary          focused on load; its links focus the bad field
 *
 * Elements with [data-print] or [data-copy] may be rendered with the `hidden`
 * attribute; they are revealed here, so no-JS users never see dead buttons.
 */
(function () {
  'use strict';

  var doc = document;
  var isVi = (doc.documentElement.lang || 'vi').toLowerCase().indexOf('en') !== 0;
  var TEXT = isVi
    ? { copied: 'Đã sao chép', failed: 'Không sao chép được, hãy chọn và sao chép thủ công' }
    : { copied: 'Copied', failed: 'Could not copy; please select and copy it manually' };

  doc.documentElement.classList.add('js');

  function closest(target, selector) {
    if (!target || target.nodeType !== 1) { target = target && target.parentElement; }
    return target && target.closest ? target.closest(selector) : null;
  }

  /* ---- Screen-reader announcements (one shared polite live region) ---- */
  var liveRegion = null;
  function announce(message) {
    if (!liveRegion) {
      liveRegion = doc.createElement('div');
      liveRegion.className = 'visually-hidden';
      liveRegion.setAttribute('role', 'status');
      liveRegion.setAttribute('aria-live', 'polite');
      doc.body.appendChild(liveRegion);
    }
    liveRegion.textContent = '';
    window.setTimeout(function () { liveRegion.textContent = message; }, 50);
  }

  /* ---- Print ---- */
  function onPrintClick(event) {
    var button = closest(event.target, '[data-print]');
    if (!button) { return; }
    event.preventDefault();
    window.print();
  }

  /* ---- Copy to clipboard ---- */
  function copyWithSelection(text) {
    var area = doc.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'visually-hidden';
    doc.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = doc.execCommand('copy'); } catch (e) { ok = false; }
    doc.body.removeChild(area);
    return ok;
  }

  function copyText(text) {
    // navigator.clipboard only exists in secure contexts (HTTPS/localhost).
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(
        function () { return true; },
        function () { return copyWithSelection(text); }
      );
    }
    return Promise.resolve(copyWithSelection(text));
  }

  function selectContents(element) {
    if (!window.getSelection) { return; }
    var range = doc.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function showFeedback(button, message) {
    var textOnly = button.children.length === 0;
    if (!button.hasAttribute('data-copy-original')) {
      button.setAttribute('data-copy-original', textOnly ? button.textContent : '');
      button.setAttribute('data-copy-label', button.getAttribute('aria-label') || '');
    }
    window.clearTimeout(button._copyTimer);
    if (textOnly) { button.textContent = message; } else { button.setAttribute('aria-label', message); }
    announce(message);
    button._copyTimer = window.setTimeout(function () {
      if (textOnly) { button.textContent = button.getAttribute('data-copy-original'); }
      var label = button.getAttribute('data-copy-label');
      if (label) { button.setAttribute('aria-label', label); } else { button.removeAttribute('aria-label'); }
      button.removeAttribute('data-copy-original');
      button.removeAttribute('data-copy-label');
    }, 2500);
  }

  function onCopyClick(event) {
    var button = closest(event.target, '[data-copy]');
    if (!button) { return; }
    event.preventDefault();
    var source = null;
    try { source = doc.querySelector(button.getAttribute('data-copy')); } catch (e) { source = null; }
    if (!source) { return; }
    var isControl = /^(INPUT|TEXTAREA|SELECT|OUTPUT)$/.test(source.tagName);
    var text = (isControl ? source.value : source.textContent) || '';
    text = text.replace(/\s+/g, ' ').trim();
    copyText(text).then(function (ok) {
      if (ok) {
        showFeedback(button, button.getAttribute('data-copied-label') || TEXT.copied);
      } else {
        selectContents(source);
        showFeedback(button, TEXT.failed);
      }
    });
  }

  /* ---- Confirm before submitting ---- */
  function onSubmitConfirm(event) {
    var form = event.target;
    if (!form || form.tagName !== 'FORM' || event.defaultPrevented) { return; }
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }

  /* ---- Submit once (prevents double filing) ---- */
  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      var type = (el.getAttribute('type') || '').toLowerCase();
      return (el.tagName === 'BUTTON' && (type === '' || type === 'submit')) ||
             (el.tagName === 'INPUT' && (type === 'submit' || type === 'image'));
    });
  }

  function onSubmitOnce(event) {
    var form = event.target;
    if (!form || form.tagName !== 'FORM' || !form.hasAttribute('data-once')) { return; }
    if (form.getAttribute('data-submitting') === 'true') {
      event.preventDefault();   // second click/Enter while the first request is in flight
      return;
    }
    form.setAttribute('data-submitting', 'true');
    // Wait until every submit listener has run: if any of them cancelled the
    // event (confirm declined, custom validation…), nothing is disabled.
    // Disabling later also keeps the clicked button's name/value in the
    // submitted data (disabled buttons are left out of the form data set).
    window.setTimeout(function () {
      if (event.defaultPrevented) {
        form.removeAttribute('data-submitting');
        return;
      }
      submitButtons(form).forEach(function (button) {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute('data-once-disabled', '');
        }
      });
      form.setAttribute('aria-busy', 'true');
    }, 0);
  }

  // Coming back with the Back button (bfcache) must give working buttons again.
  function onPageShow(event) {
    if (!event.persisted) { return; }
    var forms = doc.querySelectorAll('form[data-submitting]');
    Array.prototype.forEach.call(forms, function (form) {
      form.removeAttribute('data-submitting');
      form.removeAttribute('aria-busy');
      submitButtons(form).forEach(function (button) {
        if (button.hasAttribute('data-once-disabled')) {
          button.disabled = false;
          button.removeAttribute('data-once-disabled');
        }
      });
    });
  }

  /* ---- Error summary ---- */
  function focusErrorSummary() {
    var summary = doc.querySelector('.error-summary');
    if (!summary) { return; }
    if (!summary.hasAttribute('tabindex')) { summary.setAttribute('tabindex', '-1'); }
    summary.focus();
  }

  // Links point at a field id; radio groups render ids "name-0", "name-1"…
  function onErrorLinkClick(event) {
    var link = closest(event.target, '.error-summary a[href^="#"]');
    if (!link) { return; }
    var id = decodeURIComponent(link.getAttribute('href').slice(1));
    if (!id) { return; }
    var field = doc.getElementById(id) || doc.getElementById(id + '-0');
    if (!field) { return; }
    event.preventDefault();
    var container = closest(field, '.field') || field;
    container.scrollIntoView({ block: 'start' });
    field.focus({ preventScroll: true });
  }

  /* ---- Scrollable tables must be reachable by keyboard ---- */
  function makeTablesFocusable() {
    var wraps = doc.querySelectorAll('.table-wrap');
    Array.prototype.forEach.call(wraps, function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth && !wrap.hasAttribute('tabindex')) {
        wrap.setAttribute('tabindex', '0');
      }
    });
  }

  function init() {
    Array.prototype.forEach.call(doc.querySelectorAll('[data-print][hidden], [data-copy][hidden]'), function (el) {
      el.hidden = false;
    });
    focusErrorSummary();
    makeTablesFocusable();
  }

  doc.addEventListener('click', onPrintClick);
  doc.addEventListener('click', onCopyClick);
  doc.addEventListener('click', onErrorLinkClick);
  doc.addEventListener('submit', onSubmitOnce);     // runs first: blocks repeats
  doc.addEventListener('submit', onSubmitConfirm);
  window.addEventListener('pageshow', onPageShow);

  if (doc.readyState === 'loading') {
    doc.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
