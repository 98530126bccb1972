// Boards own the /collab/<boardId> documents: who may open them, and where they are stored.
// Imported for its side effects by runtime.ts.
import { registerCollabAccess, registerCollabPersistence } from '../collab/registry';
import { boardAccess } from './service';
import { createBoardPersistence } from './store';

registerCollabAccess(boardAccess);
registerCollabPersistence(createBoardPersistence());
