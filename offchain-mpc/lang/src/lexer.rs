//! Tokens of the secret-contract language, each with its byte span in the source.

use crate::diagnostics::{Diagnostic, Span};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
	Ident(String),
	Int(u128),
	// Keywords.
	Contract,
	Fn,
	Pub,
	Let,
	Mut,
	If,
	Else,
	For,
	In,
	Return,
	Private,
	True,
	False,
	// Punctuation and operators.
	LBrace,
	RBrace,
	LParen,
	RParen,
	LBracket,
	RBracket,
	Comma,
	Colon,
	Semi,
	Dot,
	DotDot,
	Arrow,
	At,
	Assign,
	Plus,
	Minus,
	Star,
	Slash,
	Percent,
	Lt,
	Le,
	Gt,
	Ge,
	EqEq,
	Ne,
	AndAnd,
	OrOr,
	Bang,
	Eof,
}

#[derive(Clone, Debug)]
pub struct Token {
	pub tok: Tok,
	pub span: Span,
}

/// The longest name (of a variable, function, parameter or contract) a contract may use.
pub const MAX_NAME: usize = 64;

pub fn lex(source: &str) -> Result<Vec<Token>, Diagnostic> {
	let bytes = source.as_bytes();
	let mut out = Vec::new();
	let mut i = 0;
	while i < bytes.len() {
		let c = bytes[i];
		if c.is_ascii_whitespace() {
			i += 1;
			continue;
		}
		if c == b'/' && bytes.get(i + 1) == Some(&b'/') {
			while i < bytes.len() && bytes[i] != b'\n' {
				i += 1;
			}
			continue;
		}
		let start = i;
		let tok = if c.is_ascii_alphabetic() || c == b'_' {
			while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
				i += 1;
			}
			let word = &source[start..i];
			if word.len() > MAX_NAME {
				// Every use of a name is compared and hashed in full: a loop over a long one costs
				// a member's compiler its length at every step.
				return Err(Diagnostic::new(Span::new(start, i), format!("a name is at most {MAX_NAME} bytes long")));
			}
			let keyword = match word {
				"contract" => Tok::Contract,
				"fn" => Tok::Fn,
				"pub" => Tok::Pub,
				"let" => Tok::Let,
				"mut" => Tok::Mut,
				"if" => Tok::If,
				"else" => Tok::Else,
				"for" => Tok::For,
				"in" => Tok::In,
				"return" => Tok::Return,
				"private" => Tok::Private,
				"true" => Tok::True,
				"false" => Tok::False,
				_ => Tok::Ident(word.to_string()),
			};
			out.push(Token { tok: keyword, span: Span::new(start, i) });
			continue;
		} else if c.is_ascii_digit() {
			while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
				i += 1;
			}
			let digits: String = source[start..i].chars().filter(|c| *c != '_').collect();
			let value = digits
				.parse::<u128>()
				.map_err(|_| Diagnostic::new(Span::new(start, i), "integer literal too large").note("literals must fit in 128 bits"))?;
			out.push(Token { tok: Tok::Int(value), span: Span::new(start, i) });
			continue;
		} else {
			let two = bytes.get(i + 1).copied();
			let (tok, len) = match (c, two) {
				(b'.', Some(b'.')) => (Tok::DotDot, 2),
				(b'-', Some(b'>')) => (Tok::Arrow, 2),
				(b'<', Some(b'=')) => (Tok::Le, 2),
				(b'>', Some(b'=')) => (Tok::Ge, 2),
				(b'=', Some(b'=')) => (Tok::EqEq, 2),
				(b'!', Some(b'=')) => (Tok::Ne, 2),
				(b'&', Some(b'&')) => (Tok::AndAnd, 2),
				(b'|', Some(b'|')) => (Tok::OrOr, 2),
				(b'{', _) => (Tok::LBrace, 1),
				(b'}', _) => (Tok::RBrace, 1),
				(b'(', _) => (Tok::LParen, 1),
				(b')', _) => (Tok::RParen, 1),
				(b'[', _) => (Tok::LBracket, 1),
				(b']', _) => (Tok::RBracket, 1),
				(b',', _) => (Tok::Comma, 1),
				(b':', _) => (Tok::Colon, 1),
				(b';', _) => (Tok::Semi, 1),
				(b'.', _) => (Tok::Dot, 1),
				(b'@', _) => (Tok::At, 1),
				(b'=', _) => (Tok::Assign, 1),
				(b'+', _) => (Tok::Plus, 1),
				(b'-', _) => (Tok::Minus, 1),
				(b'*', _) => (Tok::Star, 1),
				(b'/', _) => (Tok::Slash, 1),
				(b'%', _) => (Tok::Percent, 1),
				(b'<', _) => (Tok::Lt, 1),
				(b'>', _) => (Tok::Gt, 1),
				(b'!', _) => (Tok::Bang, 1),
				_ => {
					let ch = source[i..].chars().next().unwrap_or('?');
					return Err(Diagnostic::new(Span::new(i, i + ch.len_utf8()), format!("unexpected character `{ch}`")));
				},
			};
			i += len;
			tok
		};
		out.push(Token { tok, span: Span::new(start, i) });
	}
	out.push(Token { tok: Tok::Eof, span: Span::new(source.len(), source.len()) });
	Ok(out)
}
