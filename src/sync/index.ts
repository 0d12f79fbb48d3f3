/**
 * The OneDrive sync process manager: pure decisions over Graph pages; the adapter only fetches,
 * downloads and appends. One folder's poll, as the runner drives it:
 *
 *   state = stored checkpoint ?? initialSyncState(driveId, itemId)      (FolderLinked / FolderRelinked)
 *   loop  f = nextFetch(state)
 *         'delta' / 'children' → GET f.url (or the first request built from the ids), parseDrivePage,
 *             { state } = applyPage(state, page); store state (resumes here after a crash or reset)
 *             on a failure: { state, action } = onFault(state, fault, attempt, Math.random, now);
 *             retry after action.delayMs | refresh the token | MarkOneDriveNeedsReconnect | stop | restart
 *         'finish' → result = finishRound(state, now)
 *   for each decision: download decision.download (no bearer on downloadUrl), check downloadProblem,
 *         store the blob, then applySyncedChange(syncedChangeInput(clientId, decision, content));
 *         collect the item ids that failed
 *   store withhold(state, result.state, failed); RecordFolderSync(roundReport(...)) — or, after a
 *         stop, RecordFolderSyncFailure(failureReport(...))
 *
 * Uploads ("Sync"): planUpload for the document, then recordUploadedItem with Graph's answer so the
 * echo decides nothing; RecordOneDriveUploadSucceeded on the document as before.
 */
export * from './decision.js';
export * from './drive-item.js';
export * from './faults.js';
export * from './finish-round.js';
export * from './quick-xor-hash.js';
export * from './report.js';
export * from './round.js';
export * from './state.js';
export * from './upload.js';
