package io.octoflow.template;

import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.COLON;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.COMMA;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.DOT;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.IDENTIFIER;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.LBRACK;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.LPAREN;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.RBRACK;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.RPAREN;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.STRING;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import com.hubspot.jinjava.el.ext.AstTuple;
import com.hubspot.jinjava.el.ext.CollectionNonMembershipOperator;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.PowerOfOperator;

import jinjava.de.odysseus.el.tree.Tree;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Scanner.ScanException;
import jinjava.de.odysseus.el.tree.impl.Scanner.Symbol;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstBracket;
import jinjava.de.odysseus.el.tree.impl.ast.AstDot;
import jinjava.de.odysseus.el.tree.impl.ast.AstFunction;
import jinjava.de.odysseus.el.tree.impl.ast.AstIdentifier;
import jinjava.de.odysseus.el.tree.impl.ast.AstMethod;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.de.odysseus.el.tree.impl.ast.AstProperty;
import jinjava.de.odysseus.el.tree.impl.ast.AstString;

/**
 * Jinjava's expression parser with Jinja2's grammar where it differs: tuples ({@code (1,)}, {@code ()}, trailing
 * commas), chained comparisons ({@code 1 < x < 3}), adjacent string literals ({@code 'a' 'b'}), integers of any
 * size, slices with a step ({@code [::-1]}), calls of callable variables ({@link PythonCall}), and the nodes of
 * {@link PythonSyntax} (Python's lookups and calls).
 */
final class PythonParser extends ExtendedParser {

    PythonParser(Builder context, String input) {
        super(context, input);
        putExtensionHandler(PowerOfOperator.TOKEN, new ExtensionHandler(ExtensionPoint.MUL) {
            @Override
            public AstNode createAstNode(AstNode... children) {
                return new AstBinary(children[0], children[1], PythonOperators.POW);
            }
        });
    }

    @Override
    protected AstBinary createAstBinary(AstNode left, AstNode right, AstBinary.Operator operator) {
        return new AstBinary(left, right, PythonOperators.replace(operator));
    }

    @Override
    protected AstDot createAstDot(AstNode prefix, String property, boolean lvalue) {
        return new PythonSyntax.Dot(prefix, property, lvalue);
    }

    @Override
    protected AstBracket createAstBracket(AstNode base, AstNode property, boolean lvalue, boolean strict) {
        return new PythonSyntax.Bracket(base, property, lvalue, strict);
    }

    @Override
    protected AstIdentifier createAstIdentifier(String name, int index) {
        return new PythonSyntax.Identifier(name, index);
    }

    @Override
    protected AstMethod createAstMethod(AstProperty property, AstParameters params) {
        return new PythonSyntax.Method(property, params);
    }

    @Override
    protected AstFunction createAstFunction(String name, int index, AstParameters params) {
        return new PythonCall(name, index, params, context.isEnabled(Builder.Feature.VARARGS));
    }

    @Override
    public Tree tree() throws ScanException, ParseException {
        return new PythonTree(super.tree());
    }

    @Override
    protected AstTuple createAstTuple(AstParameters parameters) {
        return new TupleLiteral(parameters);
    }

    /**
     * Jinjava's conditional expression, except that {@code 'x' if c} without else is undefined when {@code c} is
     * false (prints empty), as in Jinja2; Jinjava gives None.
     */
    @Override
    protected AstNode expr(boolean required) throws ScanException, ParseException {
        AstNode v = or(required);
        if (v == null || getToken().getSymbol() != Symbol.QUESTION) {
            return v;
        }
        if (!"if".equals(getToken().getImage())) {
            consumeToken();
            AstNode yes = expr(true);
            consumeToken(COLON);
            return createAstChoice(v, yes, expr(true));
        }
        consumeToken();
        AstNode condition = expr(true);
        AstNode otherwise = new UndefinedValue();
        if ("else".equals(getToken().getImage())) {
            consumeToken();
            otherwise = expr(true);
        }
        return createAstChoice(condition, v, otherwise);
    }

    /** Python's int has no size limit: a literal beyond 64 bits is a BigInteger, not a syntax error. */
    @Override
    protected Number parseInteger(String string) throws ParseException {
        try {
            return Long.valueOf(string);
        } catch (NumberFormatException e) {
            return new BigInteger(string);
        }
    }

    /** Adjacent string literals are one string, as in Python ({@code 'a' 'b'} is {@code 'ab'}). */
    @Override
    protected AstNode literal() throws ScanException, ParseException {
        if (getToken().getSymbol() == STRING && lookahead(0).getSymbol() == STRING) {
            StringBuilder text = new StringBuilder(consumeToken().getImage());
            while (getToken().getSymbol() == STRING) {
                text.append(consumeToken().getImage());
            }
            return new AstString(text.toString());
        }
        return super.literal();
    }

    /** {@code ()} is the empty tuple; everything else as Jinjava parses it. */
    @Override
    protected AstNode nonliteral() throws ScanException, ParseException {
        if (getToken().getSymbol() == LPAREN && lookahead(0).getSymbol() == RPAREN) {
            consumeToken();
            consumeToken();
            return createAstTuple(createAstParameters(List.of()));
        }
        return super.nonliteral();
    }

    /** A list of expressions between brackets; a trailing comma is allowed, as in Python. */
    @Override
    protected AstParameters params(Symbol left, Symbol right) throws ScanException, ParseException {
        consumeToken(left);
        List<AstNode> items = new ArrayList<>();
        AstNode v = expr(false);
        if (v != null) {
            items.add(v);
            while (getToken().getSymbol() == COMMA) {
                consumeToken();
                if (getToken().getSymbol() == right) {
                    break;
                }
                items.add(expr(true));
            }
        }
        consumeToken(right);
        return createAstParameters(items);
    }

    /**
     * Comparisons, chained as in Python: {@code a < b <= c} is {@code a < b and b <= c} with {@code b} evaluated
     * once. All comparison operators ({@code == != < <= > >= in, not in}) are one level, as in Jinja2.
     */
    @Override
    protected AstNode cmp(boolean required) throws ScanException, ParseException {
        AstNode first = add(required);
        if (first == null) {
            return null;
        }
        List<AstNode> operands = new ArrayList<>();
        List<ComparisonChain.Link> links = new ArrayList<>();
        operands.add(first);
        while (true) {
            ComparisonChain.Link link = comparison();
            if (link == null) {
                break;
            }
            links.add(link);
            operands.add(add(true));
        }
        if (links.isEmpty()) {
            return first;
        }
        if (links.size() == 1) {
            return links.get(0).node(operands.get(0), operands.get(1));
        }
        return new ComparisonChain(operands, links);
    }

    /** Consumes one comparison operator and says how to build it, or null when none follows. */
    private ComparisonChain.Link comparison() throws ScanException, ParseException {
        AstBinary.Operator operator = switch (getToken().getSymbol()) {
            case LT -> AstBinary.LT;
            case LE -> AstBinary.LE;
            case GT -> AstBinary.GT;
            case GE -> AstBinary.GE;
            case EQ -> AstBinary.EQ;
            case NE -> AstBinary.NE;
            default -> null;
        };
        if (operator != null) {
            consumeToken();
            AstBinary.Operator python = PythonOperators.replace(operator);
            return (l, r) -> new AstBinary(l, r, python);
        }
        if (getToken().getSymbol() == Symbol.EXTENSION
                && getExtensionHandler(getToken()).getExtensionPoint() == ExtensionPoint.CMP) {
            ExtensionHandler handler = getExtensionHandler(consumeToken());
            return handler::createAstNode;
        }
        if ("not".equals(getToken().getImage()) && "in".equals(lookahead(0).getImage())) {
            consumeToken();
            consumeToken();
            return (l, r) -> CollectionNonMembershipOperator.HANDLER.createAstNode(l, r);
        }
        return null;
    }

    /**
     * Jinjava's {@code value} (a name or literal followed by {@code .attr}, {@code [key]}, {@code [a:b]} and calls)
     * with Python's {@code [start:stop:step]}.
     */
    @Override
    protected AstNode value() throws ScanException, ParseException {
        boolean lvalue = true;
        AstNode v = nonliteral();
        if (v == null) {
            v = literal();
            if (v == null) {
                return null;
            }
            lvalue = false;
        }
        boolean calls = context.isEnabled(Builder.Feature.METHOD_INVOCATIONS);
        while (true) {
            if (getToken().getSymbol() == DOT) {
                consumeToken();
                AstDot dot = createAstDot(v, consumeToken(IDENTIFIER).getImage(), lvalue);
                v = getToken().getSymbol() == LPAREN && calls ? createAstMethod(dot, params()) : dot;
            } else if (getToken().getSymbol() == LBRACK) {
                consumeToken();
                AstNode index = expr(false);
                boolean strict = !context.isEnabled(Builder.Feature.NULL_PROPERTIES);
                if (getToken().getSymbol() == COLON) {
                    consumeToken();
                    AstNode stop = expr(false);
                    if (getToken().getSymbol() == COLON) {
                        consumeToken();
                        AstNode step = expr(false);
                        consumeToken(RBRACK);
                        v = new SliceNode(v, index, stop, step);
                    } else {
                        consumeToken(RBRACK);
                        v = createAstRangeBracket(v, index, stop, lvalue, strict);
                    }
                } else {
                    if (index == null) {
                        fail(RBRACK);
                    }
                    consumeToken(RBRACK);
                    AstBracket bracket = createAstBracket(v, index, lvalue, strict);
                    v = getToken().getSymbol() == LPAREN && calls ? createAstMethod(bracket, params()) : bracket;
                }
            } else {
                return v;
            }
        }
    }
}
