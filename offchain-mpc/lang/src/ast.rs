//! The syntax tree.

use crate::diagnostics::Span;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseType {
	/// Unsigned integer of this many bits (8, 16, 32, 64).
	Uint(u32),
	Bool,
	/// A raw field element: no width, so no comparisons.
	Field,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Type {
	pub private: bool,
	pub base: BaseType,
	/// `Some(n)` for a fixed-size array.
	pub len: Option<usize>,
	pub span: Span,
}

/// Who supplies a private parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
	Party(usize),
	/// Element i of the array comes from party i.
	Each,
}

#[derive(Clone, Debug)]
pub struct Param {
	pub name: String,
	pub ty: Type,
	pub owner: Option<Owner>,
	pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Function {
	pub name: String,
	pub public: bool,
	pub params: Vec<Param>,
	pub ret: Option<Type>,
	pub body: Vec<Stmt>,
	pub span: Span,
}

/// `const NAME: TYPE = EXPR;` at contract level: a public value fixed by the contract's code.
#[derive(Clone, Debug)]
pub struct ConstItem {
	pub name: String,
	pub ty: Type,
	pub value: Expr,
	pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Contract {
	pub name: String,
	pub security: crate::manifest::Security,
	pub consts: Vec<ConstItem>,
	pub functions: Vec<Function>,
}

#[derive(Clone, Debug)]
pub enum Stmt {
	Let { name: String, mutable: bool, ty: Option<Type>, value: Expr, span: Span },
	Assign { target: String, index: Option<Expr>, value: Expr, span: Span },
	If { cond: Expr, then: Vec<Stmt>, otherwise: Vec<Stmt>, span: Span },
	For { var: String, from: Expr, to: Expr, body: Vec<Stmt>, span: Span },
	Return { value: Expr, span: Span },
	/// A call used as a statement: `output(..)`, `output_to(..)`, `require(..)`, the
	/// dictionaries' setters, or a function.
	Expr { expr: Expr, span: Span },
	/// `L[key] = value`.
	LedgerWrite { key: Expr, value: Expr, span: Span },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
	Add,
	Sub,
	Mul,
	Div,
	Rem,
	Lt,
	Le,
	Gt,
	Ge,
	Eq,
	Ne,
	And,
	Or,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
	Int(u128),
	Bool(bool),
	Var(String),
	Index(Box<Expr>, Box<Expr>),
	Array(Vec<Expr>),
	Binary(BinOp, Box<Expr>, Box<Expr>),
	Not(Box<Expr>),
	Neg(Box<Expr>),
	/// `name(args)` or `Dict.method(args)` (receiver `Some("L" | "DHT" | "MPC")`).
	Call { receiver: Option<String>, name: String, args: Vec<Expr> },
	/// `Dict[key]`.
	DictGet { dict: String, key: Box<Expr> },
}

#[derive(Clone, Debug)]
pub struct Expr {
	pub kind: ExprKind,
	pub span: Span,
}
