//! Compile errors: a message at a place in the source, with notes, rendered with file, line and
//! column by codespan-reporting.

use codespan_reporting::{
	diagnostic::{Diagnostic as Report, Label},
	files::SimpleFile,
	term,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
	pub start: usize,
	pub end: usize,
}

impl Span {
	pub fn new(start: usize, end: usize) -> Self {
		Self { start, end }
	}

	pub fn to(self, other: Span) -> Span {
		Span::new(self.start.min(other.start), self.end.max(other.end))
	}
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
	pub span: Span,
	pub message: String,
	pub notes: Vec<String>,
}

impl Diagnostic {
	pub fn new(span: Span, message: impl Into<String>) -> Self {
		Self { span, message: message.into(), notes: Vec::new() }
	}

	pub fn note(mut self, note: impl Into<String>) -> Self {
		self.notes.push(note.into());
		self
	}

	/// 1-based line and column of the start.
	pub fn line_col(&self, source: &str) -> (usize, usize) {
		let before = &source[..self.span.start.min(source.len())];
		let line = before.matches('\n').count() + 1;
		let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
		(line, col)
	}

	/// `file:line:col: error: message` followed by the annotated source and the notes.
	pub fn render(&self, file: &str, source: &str) -> String {
		let files = SimpleFile::new(file, source);
		let report = Report::error()
			.with_message(&self.message)
			.with_labels(vec![Label::primary((), self.span.start..self.span.end.max(self.span.start))])
			.with_notes(self.notes.clone());
		let mut out = String::new();
		let _ = term::emit_to_string(&mut out, &term::Config::default(), &files, &report);
		let (line, col) = self.line_col(source);
		format!("{file}:{line}:{col}: error: {}\n{out}", self.message)
	}
}
