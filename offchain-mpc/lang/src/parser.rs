//! Recursive-descent parser from tokens to the syntax tree.

use crate::{
	ast::*,
	diagnostics::{Diagnostic, Span},
	lexer::{Tok, Token},
	manifest::Security,
};

pub struct Parser {
	tokens: Vec<Token>,
	at: usize,
	/// How deep the tree being built nests here ([`MAX_NESTING`]).
	depth: usize,
}

type PResult<T> = Result<T, Diagnostic>;

/// How deep blocks, statements and expressions may nest, counting each operator of a chain such
/// as `a + b + c` (its tree is as deep as it is long). Every pass over the tree recurses on it,
/// and a contract is anyone's text: without a bound, 64 KiB of `(` would overflow a worker's
/// stack while parsing, compiling or dropping it, and abort the process (the compiler's own
/// limit on expressions is the same).
pub const MAX_NESTING: usize = 256;
/// The longest array type (`[T; N]`), and the highest party number (`@ k`): a parameter's slots
/// and the circuit's parties are allocated before any statement is compiled, so a contract that
/// names a billion of them would exhaust a worker's memory (an abort, not an error).
pub const MAX_ARRAY_LEN: u128 = 1 << 16;
pub const MAX_PARTY: u128 = 1 << 10;

const DICTIONARIES: [&str; 3] = ["L", "DHT", "MPC"];

impl Parser {
	pub fn new(tokens: Vec<Token>) -> Self {
		Self { tokens, at: 0, depth: 0 }
	}

	/// One level deeper (undone by [`Self::leave`]), or an error past [`MAX_NESTING`]. (On an
	/// error the parse ends, so an early return need not leave.)
	fn enter(&mut self) -> PResult<()> {
		self.depth += 1;
		if self.depth > MAX_NESTING {
			return Err(Diagnostic::new(self.span(), format!("nesting deeper than {MAX_NESTING} levels")).note("split the expression or the blocks into functions or `let`s"));
		}
		Ok(())
	}

	fn leave(&mut self, levels: usize) {
		self.depth -= levels;
	}

	fn peek(&self) -> &Tok {
		&self.tokens[self.at].tok
	}

	fn peek_at(&self, ahead: usize) -> &Tok {
		&self.tokens[(self.at + ahead).min(self.tokens.len() - 1)].tok
	}

	fn span(&self) -> Span {
		self.tokens[self.at].span
	}

	fn prev_span(&self) -> Span {
		self.tokens[self.at.saturating_sub(1)].span
	}

	fn bump(&mut self) -> Token {
		let t = self.tokens[self.at].clone();
		if self.at < self.tokens.len() - 1 {
			self.at += 1;
		}
		t
	}

	fn eat(&mut self, tok: &Tok) -> bool {
		if self.peek() == tok {
			self.bump();
			true
		} else {
			false
		}
	}

	fn expect(&mut self, tok: Tok, what: &str) -> PResult<Span> {
		if *self.peek() == tok {
			Ok(self.bump().span)
		} else {
			Err(Diagnostic::new(self.span(), format!("expected {what}, found {}", describe(self.peek()))))
		}
	}

	fn ident(&mut self, what: &str) -> PResult<(String, Span)> {
		match self.peek().clone() {
			Tok::Ident(name) => Ok((name, self.bump().span)),
			other => Err(Diagnostic::new(self.span(), format!("expected {what}, found {}", describe(&other)))),
		}
	}

	fn int(&mut self, what: &str) -> PResult<u128> {
		match self.peek().clone() {
			Tok::Int(v) => {
				self.bump();
				Ok(v)
			},
			other => Err(Diagnostic::new(self.span(), format!("expected {what}, found {}", describe(&other)))),
		}
	}

	pub fn contract(&mut self) -> PResult<Contract> {
		self.expect(Tok::Contract, "`contract`")?;
		let (name, _) = self.ident("a contract name")?;
		let mut security = Security::default();
		if self.eat(&Tok::Colon) {
			let (word, span) = self.ident("`honest_majority` or `dishonest_majority`")?;
			security = Security::from_name(&word).ok_or_else(|| {
				Diagnostic::new(span, format!("unknown security `{word}`")).note("a contract is `: honest_majority` (the default) or `: dishonest_majority`")
			})?;
		}
		self.expect(Tok::LBrace, "`{`")?;
		let (mut consts, mut functions) = (Vec::new(), Vec::new());
		while !self.eat(&Tok::RBrace) {
			if matches!(self.peek(), Tok::Ident(w) if w == "const") {
				consts.push(self.const_item()?);
			} else {
				functions.push(self.function()?);
			}
		}
		self.expect(Tok::Eof, "the end of the file")?;
		Ok(Contract { name, security, consts, functions })
	}

	fn const_item(&mut self) -> PResult<ConstItem> {
		let start = self.span();
		self.bump();
		let (name, _) = self.ident("a constant's name")?;
		self.expect(Tok::Colon, "`:`")?;
		let ty = self.ty()?;
		self.expect(Tok::Assign, "`=`")?;
		let value = self.expr()?;
		self.expect(Tok::Semi, "`;`")?;
		Ok(ConstItem { name, ty, value, span: start.to(self.prev_span()) })
	}

	fn function(&mut self) -> PResult<Function> {
		let start = self.span();
		let public = self.eat(&Tok::Pub);
		self.expect(Tok::Fn, "`fn`")?;
		let (name, _) = self.ident("a function name")?;
		self.expect(Tok::LParen, "`(`")?;
		let mut params = Vec::new();
		while !self.eat(&Tok::RParen) {
			let (pname, pspan) = self.ident("a parameter name")?;
			self.expect(Tok::Colon, "`:`")?;
			let ty = self.ty()?;
			let owner = if self.eat(&Tok::At) {
				Some(match self.peek().clone() {
					Tok::Ident(w) if w == "each" => {
						self.bump();
						Owner::Each
					},
					_ => {
						let span = self.span();
						let party = self.int("a party number or `each`")?;
						if party >= MAX_PARTY {
							return Err(Diagnostic::new(span, format!("party {party}; parties are numbered below {MAX_PARTY}")));
						}
						Owner::Party(party as usize)
					},
				})
			} else {
				None
			};
			params.push(Param { name: pname, ty, owner, span: pspan.to(self.prev_span()) });
			if !self.eat(&Tok::Comma) {
				self.expect(Tok::RParen, "`,` or `)`")?;
				break;
			}
		}
		let ret = if self.eat(&Tok::Arrow) { Some(self.ty()?) } else { None };
		let body = self.block()?;
		Ok(Function { name, public, params, ret, body, span: start.to(self.prev_span()) })
	}

	fn ty(&mut self) -> PResult<Type> {
		let start = self.span();
		let private = self.eat(&Tok::Private);
		let (base, len) = if self.eat(&Tok::LBracket) {
			let base = self.base_type()?;
			self.expect(Tok::Semi, "`;`")?;
			let span = self.span();
			let n = self.int("an array length")?;
			if n > MAX_ARRAY_LEN {
				return Err(Diagnostic::new(span, format!("an array of {n} items; at most {MAX_ARRAY_LEN}")));
			}
			let n = n as usize;
			self.expect(Tok::RBracket, "`]`")?;
			(base, Some(n))
		} else {
			(self.base_type()?, None)
		};
		Ok(Type { private, base, len, span: start.to(self.prev_span()) })
	}

	fn base_type(&mut self) -> PResult<BaseType> {
		let (name, span) = self.ident("a type")?;
		Ok(match name.as_str() {
			"u8" => BaseType::Uint(8),
			"u16" => BaseType::Uint(16),
			"u32" => BaseType::Uint(32),
			"u64" => BaseType::Uint(64),
			"bool" => BaseType::Bool,
			"field" => BaseType::Field,
			_ => return Err(Diagnostic::new(span, format!("unknown type `{name}`")).note("types are u8, u16, u32, u64, bool, field and [T; N]")),
		})
	}

	fn block(&mut self) -> PResult<Vec<Stmt>> {
		self.expect(Tok::LBrace, "`{`")?;
		self.enter()?;
		let mut stmts = Vec::new();
		while !self.eat(&Tok::RBrace) {
			stmts.push(self.stmt()?);
		}
		self.leave(1);
		Ok(stmts)
	}

	fn stmt(&mut self) -> PResult<Stmt> {
		let start = self.span();
		match self.peek().clone() {
			Tok::Let => {
				self.bump();
				let mutable = self.eat(&Tok::Mut);
				let (name, _) = self.ident("a variable name")?;
				let ty = if self.eat(&Tok::Colon) { Some(self.ty()?) } else { None };
				self.expect(Tok::Assign, "`=`")?;
				let value = self.expr()?;
				self.expect(Tok::Semi, "`;`")?;
				Ok(Stmt::Let { name, mutable, ty, value, span: start.to(self.prev_span()) })
			},
			Tok::If => self.if_stmt(),
			Tok::For => {
				self.bump();
				let (var, _) = self.ident("a loop variable")?;
				self.expect(Tok::In, "`in`")?;
				let from = self.expr_no_struct()?;
				self.expect(Tok::DotDot, "`..`")?;
				let to = self.expr_no_struct()?;
				let body = self.block()?;
				Ok(Stmt::For { var, from, to, body, span: start.to(self.prev_span()) })
			},
			Tok::Return => {
				self.bump();
				let value = self.expr()?;
				self.expect(Tok::Semi, "`;`")?;
				Ok(Stmt::Return { value, span: start.to(self.prev_span()) })
			},
			Tok::Ident(name) if name == "L" && *self.peek_at(1) == Tok::LBracket => {
				self.bump();
				self.bump();
				let key = self.expr()?;
				self.expect(Tok::RBracket, "`]`")?;
				self.expect(Tok::Assign, "`=`")?;
				let value = self.expr()?;
				self.expect(Tok::Semi, "`;`")?;
				Ok(Stmt::LedgerWrite { key, value, span: start.to(self.prev_span()) })
			},
			Tok::Ident(name) if matches!(self.peek_at(1), Tok::Assign | Tok::LBracket) && !DICTIONARIES.contains(&name.as_str()) => {
				// Assignment, unless `x[i]` turns out to be an expression statement.
				let save = self.at;
				self.bump();
				let index = if self.eat(&Tok::LBracket) {
					let i = self.expr()?;
					self.expect(Tok::RBracket, "`]`")?;
					Some(i)
				} else {
					None
				};
				if self.eat(&Tok::Assign) {
					let value = self.expr()?;
					self.expect(Tok::Semi, "`;`")?;
					return Ok(Stmt::Assign { target: name, index, value, span: start.to(self.prev_span()) });
				}
				self.at = save;
				self.expr_stmt(start)
			},
			_ => self.expr_stmt(start),
		}
	}

	fn expr_stmt(&mut self, start: Span) -> PResult<Stmt> {
		let expr = self.expr()?;
		self.expect(Tok::Semi, "`;`")?;
		Ok(Stmt::Expr { expr, span: start.to(self.prev_span()) })
	}

	fn if_stmt(&mut self) -> PResult<Stmt> {
		let start = self.expect(Tok::If, "`if`")?;
		// An `else if` nests the next `if` in this one.
		self.enter()?;
		let cond = self.expr_no_struct()?;
		let then = self.block()?;
		let otherwise = if self.eat(&Tok::Else) {
			if *self.peek() == Tok::If { vec![self.if_stmt()?] } else { self.block()? }
		} else {
			Vec::new()
		};
		self.leave(1);
		Ok(Stmt::If { cond, then, otherwise, span: start.to(self.prev_span()) })
	}

	/// Expressions before a block (conditions, loop bounds) never start a block themselves.
	fn expr_no_struct(&mut self) -> PResult<Expr> {
		self.binary(0)
	}

	pub fn expr(&mut self) -> PResult<Expr> {
		self.binary(0)
	}

	fn binary(&mut self, min_prec: u8) -> PResult<Expr> {
		let mut left = self.unary()?;
		// Each operator of a chain puts the tree so far one level deeper.
		let mut chained = 0;
		loop {
			let (op, prec) = match self.peek() {
				Tok::OrOr => (BinOp::Or, 1),
				Tok::AndAnd => (BinOp::And, 2),
				Tok::EqEq => (BinOp::Eq, 3),
				Tok::Ne => (BinOp::Ne, 3),
				Tok::Lt => (BinOp::Lt, 4),
				Tok::Le => (BinOp::Le, 4),
				Tok::Gt => (BinOp::Gt, 4),
				Tok::Ge => (BinOp::Ge, 4),
				Tok::Plus => (BinOp::Add, 5),
				Tok::Minus => (BinOp::Sub, 5),
				Tok::Star => (BinOp::Mul, 6),
				Tok::Slash => (BinOp::Div, 6),
				Tok::Percent => (BinOp::Rem, 6),
				_ => break,
			};
			if prec < min_prec {
				break;
			}
			self.bump();
			self.enter()?;
			chained += 1;
			let right = self.binary(prec + 1)?;
			let span = left.span.to(right.span);
			left = Expr { kind: ExprKind::Binary(op, Box::new(left), Box::new(right)), span };
		}
		self.leave(chained);
		Ok(left)
	}

	/// An operand: every parenthesis, operator, call or array inside it comes through here, one
	/// level deeper each.
	fn unary(&mut self) -> PResult<Expr> {
		self.enter()?;
		let e = self.unary_inner()?;
		self.leave(1);
		Ok(e)
	}

	fn unary_inner(&mut self) -> PResult<Expr> {
		let start = self.span();
		if self.eat(&Tok::Bang) {
			let e = self.unary()?;
			let span = start.to(e.span);
			return Ok(Expr { kind: ExprKind::Not(Box::new(e)), span });
		}
		if self.eat(&Tok::Minus) {
			let e = self.unary()?;
			let span = start.to(e.span);
			return Ok(Expr { kind: ExprKind::Neg(Box::new(e)), span });
		}
		let mut e = self.primary()?;
		// `x[i][j]`: each index nests the tree so far.
		let mut indexed = 0;
		while self.eat(&Tok::LBracket) {
			self.enter()?;
			indexed += 1;
			let index = self.expr()?;
			self.expect(Tok::RBracket, "`]`")?;
			let span = e.span.to(self.prev_span());
			e = Expr { kind: ExprKind::Index(Box::new(e), Box::new(index)), span };
		}
		self.leave(indexed);
		Ok(e)
	}

	fn args(&mut self) -> PResult<Vec<Expr>> {
		self.expect(Tok::LParen, "`(`")?;
		let mut args = Vec::new();
		while !self.eat(&Tok::RParen) {
			args.push(self.expr()?);
			if !self.eat(&Tok::Comma) {
				self.expect(Tok::RParen, "`,` or `)`")?;
				break;
			}
		}
		Ok(args)
	}

	fn primary(&mut self) -> PResult<Expr> {
		let start = self.span();
		let kind = match self.peek().clone() {
			Tok::Int(v) => {
				self.bump();
				ExprKind::Int(v)
			},
			Tok::True => {
				self.bump();
				ExprKind::Bool(true)
			},
			Tok::False => {
				self.bump();
				ExprKind::Bool(false)
			},
			Tok::LParen => {
				self.bump();
				let e = self.expr()?;
				self.expect(Tok::RParen, "`)`")?;
				return Ok(Expr { kind: e.kind, span: start.to(self.prev_span()) });
			},
			Tok::LBracket => {
				self.bump();
				let mut items = Vec::new();
				while !self.eat(&Tok::RBracket) {
					items.push(self.expr()?);
					if !self.eat(&Tok::Comma) {
						self.expect(Tok::RBracket, "`,` or `]`")?;
						break;
					}
				}
				ExprKind::Array(items)
			},
			Tok::Ident(name) => {
				self.bump();
				if DICTIONARIES.contains(&name.as_str()) {
					if self.eat(&Tok::Dot) {
						let (method, _) = self.ident("a dictionary method")?;
						let args = self.args()?;
						ExprKind::Call { receiver: Some(name), name: method, args }
					} else {
						self.expect(Tok::LBracket, "`[` or `.` after a dictionary")?;
						let key = self.expr()?;
						self.expect(Tok::RBracket, "`]`")?;
						ExprKind::DictGet { dict: name, key: Box::new(key) }
					}
				} else if *self.peek() == Tok::LParen {
					let args = self.args()?;
					ExprKind::Call { receiver: None, name, args }
				} else {
					ExprKind::Var(name)
				}
			},
			other => return Err(Diagnostic::new(start, format!("expected an expression, found {}", describe(&other)))),
		};
		Ok(Expr { kind, span: start.to(self.prev_span()) })
	}
}

fn describe(tok: &Tok) -> String {
	match tok {
		Tok::Ident(n) => format!("`{n}`"),
		Tok::Int(v) => format!("`{v}`"),
		Tok::Eof => "the end of the file".into(),
		other => format!("`{}`", format!("{other:?}").to_lowercase()),
	}
}
