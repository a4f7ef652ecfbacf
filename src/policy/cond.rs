//! Rule conditions: a small, total expression language (eq, in, not, and, or) over record
//! fields and user attributes. Conditions are data: they can be explained, tested and turned
//! into a query, and they always terminate.

/// A literal value in a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
}

/// What a condition compares.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Lit(Literal),
    /// `{"record": "state"}`: a field of the record (of the parent, for a child type).
    Record(String),
    /// `{"user": "outOfOffice"}`: an attribute of the asking user.
    User(String),
    /// `{"user": "outOfOffice", "of": "assigneeId"}`: an attribute of the user a record field names.
    UserOf {
        attr: String,
        field: String,
    },
}

/// A condition; every form terminates and has no side effects.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    Const(bool),
    Eq(Operand, Operand),
    In(Operand, Vec<Literal>),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

impl Cond {
    /// Every operand in the condition, depth first.
    pub fn operands(&self) -> Vec<&Operand> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(c) = stack.pop() {
            match c {
                Cond::Const(_) => {}
                Cond::Eq(a, b) => {
                    out.push(a);
                    out.push(b);
                }
                Cond::In(a, _) => out.push(a),
                Cond::Not(inner) => stack.push(inner),
                Cond::And(items) | Cond::Or(items) => stack.extend(items.iter()),
            }
        }
        out
    }
}
