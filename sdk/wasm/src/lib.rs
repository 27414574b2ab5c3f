//! The client side of Enigma's protocol for JavaScript: the same Rust the `enigma` CLI runs
//! (`enigma-protocol`), compiled to WebAssembly. The module exports one function, [`call`]:
//! a method name and a JSON argument in, a JSON answer out (`{"ok": ..}` or `{"err": ".."}`).
//! Bytes travel as 0x-prefixed hex, 128-bit values as decimal strings. Randomness comes from
//! the host (`crypto.getRandomValues`, imported as `enigma.random_fill`).
//!
//! | method | argument | answer |
//! |---|---|---|
//! | `deal` | values, kind, security, identity, committee, keys | per member its request bodies (and their share counts); per value its commitment and secret id |
//! | `sharesAccepted` | answer, count | the member's per-share verdicts |
//! | `replyKey` | | a fresh x25519 key pair for sealed answers |
//! | `outputRequest` | task, output, who, replyTo [, signature] | the message to sign; with the signature, the request body too |
//! | `declassifyRequest` | secret, at, who, replyTo [, signature] | as `outputRequest` |
//! | `reconstruct` | answers, keys, replySecret, message, shared | the value, members left out |
//! | `compileTask` | source, entry, args, prices, block, submitter, committee | gas, outputs (public, private or kept), manifest |
//! | `sealData` / `openData` | owner, plaintext / key, sealed | client-side data encryption |
//! | `dataPutRequest` | owner, sealed, writer [, signature] | the pointer, the message to sign; with the signature, the request body |
//! | `dataGetRequest` | pointer, reader, peer, signedAt, replyTo [, signature] | as `outputRequest` (the get serves the worker `peer` names, for the reply key) |
//! | `dataAnswer` | answer [, pointer, key, replySecret, member, message] | holders of a stored record, or a fetched record unsealed, checked and opened; `{refused}` with a gateway's refusal (its words), `{wrongKey}` when the key does not open the checked record |

mod api;

pub use api::dispatch;

#[cfg(target_arch = "wasm32")]
mod host {
	#[link(wasm_import_module = "enigma")]
	extern "C" {
		fn random_fill(ptr: *mut u8, len: usize);
	}

	fn fill(buffer: &mut [u8]) -> Result<(), getrandom::Error> {
		// Safety: the host writes exactly `len` bytes at `ptr`, inside this module's memory.
		unsafe { random_fill(buffer.as_mut_ptr(), buffer.len()) };
		Ok(())
	}
	getrandom::register_custom_getrandom!(fill);
}

/// Memory for the host to write an argument of `len` bytes into (freed by [`enigma_call`]).
#[no_mangle]
pub extern "C" fn enigma_alloc(len: usize) -> *mut u8 {
	Box::into_raw(vec![0u8; len].into_boxed_slice()) as *mut u8
}

/// Takes back what [`enigma_alloc`] or [`enigma_call`] handed out.
///
/// # Safety
/// `ptr` and `len` are one such buffer, not taken back before.
unsafe fn take(ptr: *mut u8, len: usize) -> Box<[u8]> {
	Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len))
}

/// Returns an answer's memory ([`enigma_call`]) once the host has read it.
///
/// # Safety
/// `ptr` and `len` are an answer [`enigma_call`] returned, not freed before.
#[no_mangle]
pub unsafe extern "C" fn enigma_free(ptr: *mut u8, len: usize) {
	drop(take(ptr, len));
}

/// Runs `method` (UTF-8 at `method_ptr`) on the JSON argument at `arg_ptr`, both written by the
/// host into [`enigma_alloc`]ated memory of exactly their lengths, which this call frees. The
/// answer is JSON; its address and length come back packed as `ptr | len << 32`, and the host
/// frees it with [`enigma_free`].
///
/// # Safety
/// Both buffers come from [`enigma_alloc`] with the lengths given.
#[no_mangle]
pub unsafe extern "C" fn enigma_call(method_ptr: *mut u8, method_len: usize, arg_ptr: *mut u8, arg_len: usize) -> u64 {
	let (method, arg) = (take(method_ptr, method_len), take(arg_ptr, arg_len));
	let answer = call(&String::from_utf8_lossy(&method), &arg).into_bytes().into_boxed_slice();
	let len = answer.len();
	let ptr = Box::into_raw(answer) as *mut u8;
	(ptr as usize as u64) | ((len as u64) << 32)
}

/// `{"ok": answer}` or `{"err": reason}` for `method` on the JSON `arg`.
pub fn call(method: &str, arg: &[u8]) -> String {
	let answer = serde_json::from_slice(arg).map_err(|e| format!("the argument is not JSON: {e}")).and_then(|arg| dispatch(method, &arg));
	match answer {
		Ok(value) => serde_json::json!({ "ok": value }),
		Err(reason) => serde_json::json!({ "err": reason }),
	}
	.to_string()
}
